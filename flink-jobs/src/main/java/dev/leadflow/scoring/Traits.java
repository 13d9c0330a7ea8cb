package dev.leadflow.scoring;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Merges IDENTIFY traits into a profile. A newer IDENTIFY overwrites the traits it carries; an
 * older one (out of order, or re-stitched) only fills traits still unknown, so arrival order
 * does not let stale traits win. Blank traits never erase known ones.
 */
final class Traits {

    private static final Profile EMPTY = new Profile();

    private Traits() {}

    /**
     * The merged profile: {@code current} itself when no trait changes (nothing is allocated
     * then), else a new profile. {@code newer}: the IDENTIFY is at least as new as the profile.
     */
    static Profile merge(Profile current, Map<String, String> traits, boolean newer) {
        if (traits == null || traits.isEmpty()) {
            return current;
        }
        Profile was = current == null ? EMPTY : current;
        String email = pick(was.email, lower(traits.get("email")), newer);
        String firstName = pick(was.firstName, trim(traits.get("first_name")), newer);
        String lastName = pick(was.lastName, trim(traits.get("last_name")), newer);
        String title = pick(was.title, trim(traits.get("title")), newer);
        String company = pick(was.company, trim(traits.get("company")), newer);
        String companyDomain = pick(was.companyDomain, domain(traits.get("company_domain")), newer);
        String companySize = pick(was.companySize, trim(traits.get("company_size")), newer);
        String industry = pick(was.industry, trim(traits.get("industry")), newer);
        String country = pick(was.country, upper(traits.get("country")), newer);
        if (current != null && Objects.equals(email, was.email) && Objects.equals(firstName, was.firstName)
                && Objects.equals(lastName, was.lastName) && Objects.equals(title, was.title)
                && Objects.equals(company, was.company) && Objects.equals(companyDomain, was.companyDomain)
                && Objects.equals(companySize, was.companySize) && Objects.equals(industry, was.industry)
                && Objects.equals(country, was.country)) {
            return current;
        }
        Profile next = new Profile();
        next.email = email;
        next.firstName = firstName;
        next.lastName = lastName;
        next.title = title;
        next.company = company;
        next.companyDomain = companyDomain;
        next.companySize = companySize;
        next.employees = employees(companySize);
        next.industry = industry;
        next.country = country;
        return next;
    }

    /**
     * Employees from a company-size trait: "250" -> 250, "1,200" -> 1200, "10k+" -> 10000, and the
     * lower bound of a range, "1000-5000" -> 1000, so that a band is never overstated. 0 if none.
     */
    static int employees(String size) {
        if (size == null) {
            return 0;
        }
        int i = 0;
        while (i < size.length() && !Character.isDigit(size.charAt(i))) {
            i++;
        }
        long n = 0;
        boolean any = false;
        for (; i < size.length(); i++) {
            char c = size.charAt(i);
            if (Character.isDigit(c)) {
                n = Math.min(n * 10 + (c - '0'), Integer.MAX_VALUE);
                any = true;
            } else if (c != ',' || i + 1 >= size.length() || !Character.isDigit(size.charAt(i + 1))) {
                break;
            }
        }
        if (any && i < size.length() && (size.charAt(i) == 'k' || size.charAt(i) == 'K')) {
            n = Math.min(n * 1000, Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** "https://www.Acme.com/about" -> "acme.com". */
    static String domain(String raw) {
        String d = lower(raw);
        if (d == null) {
            return null;
        }
        int scheme = d.indexOf("://");
        if (scheme >= 0) {
            d = d.substring(scheme + 3);
        }
        int end = d.length();
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (c == '/' || c == ':' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        d = d.substring(0, end);
        if (d.startsWith("www.")) {
            d = d.substring(4);
        }
        return d.isEmpty() ? null : d;
    }

    private static String pick(String known, String incoming, boolean newer) {
        if (incoming == null) {
            return known;
        }
        return newer || known == null ? incoming : known;
    }

    /** Trimmed, or null if blank; the same string when already trimmed (no allocation). */
    private static String trim(String v) {
        if (v == null) {
            return null;
        }
        String t = v.trim();
        return t.isEmpty() ? null : t;
    }

    private static String lower(String v) {
        String t = trim(v);
        return t == null ? null : t.toLowerCase(Locale.ROOT);
    }

    private static String upper(String v) {
        String t = trim(v);
        return t == null ? null : t.toUpperCase(Locale.ROOT);
    }
}
