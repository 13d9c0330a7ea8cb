package dev.leadflow.collector.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Segment identify traits as the contract's trait keys (DESIGN.md: {@code email}, {@code first_name},
 * {@code last_name}, {@code title}, {@code company}, {@code company_domain}, {@code company_size},
 * {@code industry}, {@code country}). Segment's reserved traits are camelCase and keep the company as a
 * nested object; snake_case spellings are accepted too. Traits the contract does not name are not
 * forwarded: the job would not read them, and personal data that is not needed is not kept.
 */
public final class Traits {

    private Traits() {
    }

    public static Map<String, String> map(JsonNode traits) {
        Map<String, String> out = new LinkedHashMap<>();
        if (traits == null || !traits.isObject()) {
            return out;
        }
        JsonNode company = traits.get("company");
        JsonNode companyObject = company != null && company.isObject() ? company : null;
        put(out, "email", first(traits, "email"));
        Optional<String> firstName = first(traits, "firstName", "first_name");
        Optional<String> lastName = first(traits, "lastName", "last_name");
        Optional<String> name = first(traits, "name");
        if (firstName.isEmpty() && lastName.isEmpty() && name.isPresent()) {
            // Segment's `name` is the full name: split at the first space, as its own destinations do
            String full = name.get();
            int space = full.indexOf(' ');
            firstName = Optional.of(space < 0 ? full : full.substring(0, space));
            lastName = space < 0 ? Optional.empty() : Optional.of(full.substring(space + 1).strip());
        }
        put(out, "first_name", firstName);
        put(out, "last_name", lastName);
        put(out, "title", first(traits, "title"));
        put(out, "company", companyObject != null ? first(companyObject, "name") : first(traits, "company"));
        put(out, "company_domain", companyObject != null
                ? or(first(companyObject, "domain"), website(companyObject))
                : first(traits, "companyDomain", "company_domain"));
        put(out, "company_size", or(companyObject != null
                ? first(companyObject, "employees", "employee_count", "size") : Optional.empty(),
                first(traits, "companySize", "company_size", "employees")));
        put(out, "industry", or(companyObject != null ? first(companyObject, "industry") : Optional.empty(),
                first(traits, "industry")));
        JsonNode address = traits.get("address");
        put(out, "country", or(first(traits, "country"), first(address, "country")));
        return out;
    }

    private static Optional<String> website(JsonNode company) {
        return first(company, "website").flatMap(site -> {
            try {
                String host = URI.create(site.contains("://") ? site : "https://" + site).getHost();
                if (host == null) {
                    return Optional.empty();
                }
                host = host.toLowerCase(Locale.ROOT);
                return Optional.of(host.startsWith("www.") ? host.substring(4) : host);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<String> first(JsonNode node, String... fields) {
        for (String field : fields) {
            Optional<String> value = Fields.scalar(node, field);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> or(Optional<String> a, Optional<String> b) {
        return a.isPresent() ? a : b;
    }

    private static void put(Map<String, String> out, String key, Optional<String> value) {
        value.ifPresent(v -> out.put(key, v));
    }
}
