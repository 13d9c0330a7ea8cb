package dev.leadflow.scoring;

import java.util.Locale;
import java.util.Map;

/**
 * Merges IDENTIFY traits into a profile. A newer IDENTIFY overwrites the traits it carries; an
 * older one (out of order, or re-stitched) only fills traits still unknown, so arrival order
 * does not let stale traits win. Blank traits never erase known ones.
 */
final class Traits {

    private Traits() {}

    /** The merged profile: a new object when anything changed, else {@code current} itself. */
    static Profile merge(Profile current, Map<String, String> traits, long at) {
        if (traits == null || traits.isEmpty()) {
            return current;
        }
        boolean newer = current == null || at >= current.updatedAt;
        Profile next = current == null ? new Profile() : current.copy();
        next.email = pick(next.email, lower(traits.get("email")), newer);
        next.firstName = pick(next.firstName, trim(traits.get("first_name")), newer);
        next.lastName = pick(next.lastName, trim(traits.get("last_name")), newer);
        next.title = pick(next.title, trim(traits.get("title")), newer);
        next.company = pick(next.company, trim(traits.get("company")), newer);
        next.companyDomain = pick(next.companyDomain, domain(traits.get("company_domain")), newer);
        next.companySize = pick(next.companySize, trim(traits.get("company_size")), newer);
        next.industry = pick(next.industry, trim(traits.get("industry")), newer);
        next.country = pick(next.country, upper(traits.get("country")), newer);
        next.employees = employees(next.companySize);
        if (newer) {
            next.updatedAt = at;
        }
        boolean same = current != null && current.sameTraits(next) && current.updatedAt == next.updatedAt;
        return same ? current : next;
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
