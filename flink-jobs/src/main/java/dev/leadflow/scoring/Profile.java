package dev.leadflow.scoring;

import java.util.Objects;

/**
 * Who a lead is, from IDENTIFY traits. A Flink POJO inside {@link LeadState}.
 *
 * <p>The scorer never mutates a profile it has published: a change of traits replaces the whole
 * object, so an {@link Evaluation} can hand out the profile as its contact without copying it.
 */
public class Profile {

    /** Lower case. */
    public String email;
    public String firstName;
    public String lastName;
    public String title;
    public String company;
    /** Lower case, without scheme, {@code www.} or path. */
    public String companyDomain;
    /** The trait as given, e.g. "1000-5000" or "250". */
    public String companySize;
    /** Employees parsed from {@link #companySize} (lower bound of a range); 0 when unknown. */
    public int employees;
    public String industry;
    /** ISO 3166-1 alpha-2 code, upper case. */
    public String country;

    public Profile() {}

    /** The part of the email after the '@', or null. */
    public String emailDomain() {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        return at < 0 || at == email.length() - 1 ? null : email.substring(at + 1);
    }

    /** "First Last", whichever parts are known, or null. */
    public String fullName() {
        if (firstName == null) {
            return lastName;
        }
        return lastName == null ? firstName : firstName + ' ' + lastName;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Profile)) {
            return false;
        }
        Profile o = (Profile) other;
        return Objects.equals(email, o.email)
                && Objects.equals(firstName, o.firstName)
                && Objects.equals(lastName, o.lastName)
                && Objects.equals(title, o.title)
                && Objects.equals(company, o.company)
                && Objects.equals(companyDomain, o.companyDomain)
                && Objects.equals(companySize, o.companySize)
                && Objects.equals(industry, o.industry)
                && Objects.equals(country, o.country);
    }

    @Override
    public int hashCode() {
        return Objects.hash(email, firstName, lastName, title, company, companyDomain, country);
    }

    @Override
    public String toString() {
        return "Profile{" + email + ", " + fullName() + ", " + title + " @ " + company + " (" + companyDomain
                + ", " + companySize + ", " + industry + ", " + country + ")}";
    }
}
