package dev.leadflow.scoring.model;

import dev.leadflow.scoring.Profile;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which queue a lead goes to: its owner's own queue {@code owner-<sellerId>} when a seller owns it,
 * else the first rule that matches, else the default queue. Evaluated on every evaluation, so it
 * only compares numbers and looks up sets.
 */
public final class Routing implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String OWNER_PREFIX = "owner-";

    /**
     * All given conditions must hold; a null set means any value. A lead whose company size or
     * country is unknown does not match a rule that asks for it.
     */
    record Rule(String queue, int minEmployees, int maxEmployees, Set<String> countries, Set<String> industries)
            implements Serializable {

        boolean matches(Profile p) {
            if (minEmployees > 0 || maxEmployees < Integer.MAX_VALUE) {
                if (p == null || p.employees <= 0 || p.employees < minEmployees || p.employees > maxEmployees) {
                    return false;
                }
            }
            if (countries != null && (p == null || p.country == null || !countries.contains(p.country))) {
                return false;
            }
            return industries == null
                    || (p != null && p.industry != null && industries.contains(p.industry.toLowerCase(Locale.ROOT)));
        }
    }

    private final List<Rule> rules;
    final String defaultQueue;

    Routing(List<Rule> rules, String defaultQueue) {
        this.rules = List.copyOf(rules);
        this.defaultQueue = defaultQueue;
    }

    public String queueFor(Profile p, String ownerSellerId) {
        if (ownerSellerId != null) {
            return OWNER_PREFIX + ownerSellerId;
        }
        for (Rule r : rules) {
            if (r.matches(p)) {
                return r.queue();
            }
        }
        return defaultQueue;
    }
}
