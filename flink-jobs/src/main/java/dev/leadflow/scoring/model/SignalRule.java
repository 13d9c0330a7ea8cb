package dev.leadflow.scoring.model;

import dev.leadflow.scoring.SignalState;
import java.io.Serializable;

/**
 * Points of one engagement signal. {@code key} is the model's key, which is also the key of the
 * lead's {@link SignalState}: a wildcard rule such as {@code campaign:*:UNSUBSCRIBED} keeps one state
 * (and one daily cap) for all channels.
 *
 * @param points credited per event (negative subtracts), before the daily cap
 * @param halfLifeMillis time after which a credit counts half
 * @param dailyCap most points (in absolute value) credited per UTC day
 * @param label a verb phrase for reasons, e.g. "Viewed pricing"
 * @param handRaiser the key is one of the model's hand-raisers (never for a wildcard key)
 */
public record SignalRule(String key, int points, long halfLifeMillis, int dailyCap, String label, boolean handRaiser)
        implements Serializable {

    boolean isWildcard() {
        return key.indexOf('*') >= 0;
    }
}
