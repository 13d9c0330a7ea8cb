package dev.leadflow.scoring.model;

import dev.leadflow.scoring.SalesType;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Which sales activities are touches, how long a touch suppresses, and the cooldowns. */
public final class SalesRules implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EnumSet<SalesType> touches;
    final long touchWindowMillis;
    private final EnumMap<SalesType, Long> cooldowns;

    SalesRules(Set<SalesType> touches, long touchWindowMillis, Map<SalesType, Long> cooldowns) {
        this.touches = touches.isEmpty() ? EnumSet.noneOf(SalesType.class) : EnumSet.copyOf(touches);
        this.touchWindowMillis = touchWindowMillis;
        this.cooldowns = new EnumMap<>(SalesType.class);
        this.cooldowns.putAll(cooldowns);
    }

    public boolean isTouch(SalesType type) {
        return touches.contains(type);
    }

    /** Cooldown after an activity of this type, or 0 for none. */
    public long cooldownMillis(SalesType type) {
        Long millis = cooldowns.get(type);
        return millis == null ? 0 : millis;
    }
}
