package dev.leadflow.scoring.model;

import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.Profile;
import dev.leadflow.scoring.Reason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fit: who the lead is. The sum of title, company size, industry, country and email-domain points,
 * clamped to 0..max. Computed only when the profile or the model changes (it runs regexes), and
 * cached in {@link LeadState}.
 */
public final class FitRules implements Serializable {

    private static final long serialVersionUID = 1L;

    /** First matching rule wins; {@code match} is a case-insensitive regex searched in the title. */
    record TitleRule(String label, Pattern match, int points) implements Serializable {}

    /** Applies to companies with at least {@code min} employees; the largest matching band wins. */
    record SizeBand(String label, int min, int points) implements Serializable {}

    /**
     * One contribution to fit, e.g. label "Executive", subject "VP of Sales". The sentence for
     * reasons is only built on demand, so scoring an IDENTIFY does not format text.
     */
    public record Part(String signal, int points, String label, String subject, String unit) {

        /** "Executive (VP of Sales), +15", "Enterprise company (1200 employees), +10". */
        public String detail() {
            return label + " (" + subject + unit + "), " + Reason.signed(points);
        }
    }

    final int max;
    private final List<TitleRule> titles;
    private final List<SizeBand> sizes;
    private final Map<String, Integer> industries;
    private final Map<String, Integer> countries;
    public final DomainRules domains;

    /**
     * @param sizes sorted by {@code min}, largest first
     * @param industries keyed in lower case
     * @param countries keyed by upper-case ISO code
     */
    FitRules(int max, List<TitleRule> titles, List<SizeBand> sizes, Map<String, Integer> industries,
            Map<String, Integer> countries, DomainRules domains) {
        this.max = max;
        this.titles = List.copyOf(titles);
        this.sizes = List.copyOf(sizes);
        this.industries = Map.copyOf(industries);
        this.countries = Map.copyOf(countries);
        this.domains = domains;
    }

    public int points(Profile p) {
        return points(parts(p));
    }

    /** Fit from the parts of a profile (as {@link #parts} found them). */
    public int points(List<Part> parts) {
        int sum = 0;
        for (Part part : parts) {
            sum += part.points();
        }
        return Math.max(0, Math.min(max, sum));
    }

    /** The non-zero contributions, each with a sentence for sellers. */
    public List<Part> parts(Profile p) {
        List<Part> parts = new ArrayList<>();
        if (p == null) {
            return parts;
        }
        if (p.title != null) {
            for (TitleRule r : titles) {
                if (r.match().matcher(p.title).find()) {
                    add(parts, "fit:title", r.points(), r.label(), p.title, "");
                    break;
                }
            }
        }
        if (p.employees > 0) {
            for (SizeBand b : sizes) {
                if (p.employees >= b.min()) {
                    add(parts, "fit:company_size", b.points(), b.label(), p.companySize, " employees");
                    break;
                }
            }
        }
        if (p.industry != null) {
            Integer points = industries.get(p.industry.toLowerCase(Locale.ROOT));
            if (points != null) {
                add(parts, "fit:industry", points, "Industry", p.industry, "");
            }
        }
        if (p.country != null) {
            Integer points = countries.get(p.country);
            if (points != null) {
                add(parts, "fit:country", points, "Country", p.country, "");
            }
        }
        emailPart(p, parts);
        return parts;
    }

    private void emailPart(Profile p, List<Part> parts) {
        String email = p.emailDomain();
        if (domains.isCompetitor(email) || domains.isCompetitor(p.companyDomain)) {
            String d = domains.isCompetitor(email) ? email : p.companyDomain;
            add(parts, "fit:competitor", domains.competitorPoints, "Competitor domain", d, "");
        } else if (domains.isStudentDomain(email)) {
            add(parts, "fit:student", domains.studentPoints, "Student email", email, "");
        } else if (domains.isStudentTitle(p.title)) {
            add(parts, "fit:student", domains.studentPoints, "Student title", p.title, "");
        } else if (domains.isFreeMail(email)) {
            add(parts, "fit:free_mail", domains.freeMailPoints, "Free-mail address", email, "");
        } else if (email != null) {
            add(parts, "fit:business_email", domains.businessPoints, "Business email", email, "");
        }
    }

    private static void add(List<Part> parts, String signal, int points, String label, String subject, String unit) {
        if (points != 0) {
            parts.add(new Part(signal, points, label, subject, unit));
        }
    }
}
