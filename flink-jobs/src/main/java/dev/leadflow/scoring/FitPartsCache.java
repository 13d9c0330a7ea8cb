package dev.leadflow.scoring;

import dev.leadflow.scoring.model.FitRules;
import java.util.List;

/**
 * The fit parts (title, size, industry, country, email) of recently seen profiles, for reasons:
 * finding them runs regexes, and a queued lead's reasons are written on nearly every event while
 * its profile stays the same. Profiles are replaced, never mutated, so a profile instance keys its
 * parts; one slot per identity hash, a miss just recomputes. Bound to one model (as its scorer is);
 * for one thread.
 */
final class FitPartsCache {

    private static final int SLOTS = 1024;

    private final Profile[] profiles = new Profile[SLOTS];
    @SuppressWarnings("unchecked")
    private final List<FitRules.Part>[] parts = new List[SLOTS];

    /** @param p not null */
    List<FitRules.Part> parts(FitRules rules, Profile p) {
        int slot = System.identityHashCode(p) & (SLOTS - 1);
        if (profiles[slot] == p) {
            return parts[slot];
        }
        List<FitRules.Part> computed = List.copyOf(rules.parts(p));
        profiles[slot] = p;
        parts[slot] = computed;
        return computed;
    }
}
