package dev.leadflow.scoring.model;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * Finds the rule of an event's signal: the exact key first, then a {@code campaign:*:<ACTION>}
 * wildcard. Matching the wildcard compares regions of the signal instead of building the
 * wildcard key, so the hot path allocates nothing.
 */
public final class SignalRules implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A rule whose one {@code *} segment stands for any channel. */
    private static final class Wildcard implements Serializable {
        private static final long serialVersionUID = 1L;
        final String prefix;
        final String suffix;
        final SignalRule rule;

        Wildcard(SignalRule rule) {
            int star = rule.key().indexOf('*');
            this.prefix = rule.key().substring(0, star);
            this.suffix = rule.key().substring(star + 1);
            this.rule = rule;
        }

        boolean matches(String signal) {
            int end = signal.length() - suffix.length();
            return end > prefix.length()
                    && signal.startsWith(prefix)
                    && signal.endsWith(suffix)
                    && signal.indexOf(':', prefix.length()) == end;
        }
    }

    private final Map<String, SignalRule> byKey;
    private final Wildcard[] wildcards;
    private final Set<String> handRaisers;

    SignalRules(Map<String, SignalRule> byKey, Set<String> handRaisers) {
        this.byKey = Map.copyOf(byKey);
        this.wildcards = byKey.values().stream()
                .filter(SignalRule::isWildcard)
                .map(Wildcard::new)
                .toArray(Wildcard[]::new);
        this.handRaisers = Set.copyOf(handRaisers);
    }

    /** The rule for an event's signal, or null when the model gives it no points. */
    public SignalRule resolve(String signal) {
        if (signal == null) {
            return null;
        }
        SignalRule exact = byKey.get(signal);
        if (exact != null) {
            return exact;
        }
        for (Wildcard w : wildcards) {
            if (w.matches(signal)) {
                return w.rule;
            }
        }
        return null;
    }

    /**
     * Whether an event of {@code signal}, whose rule is {@code rule} (or null), raises a hand. An
     * exact rule says so itself, which spares a second lookup on the hot path.
     */
    public boolean raisesHand(String signal, SignalRule rule) {
        if (rule != null && !rule.isWildcard()) {
            return rule.handRaiser();
        }
        return signal != null && handRaisers.contains(signal);
    }

    /** The rule with exactly this key (a state key), or null if the model no longer has it. */
    public SignalRule byKey(String key) {
        return byKey.get(key);
    }
}
