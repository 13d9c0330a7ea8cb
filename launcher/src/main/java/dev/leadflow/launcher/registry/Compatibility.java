package dev.leadflow.launcher.registry;

import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The Confluent Schema Registry's compatibility levels, checked with Avro's own reader/writer
 * resolution rules. BACKWARD: readers on the new schema can read data written with the previous
 * one; FORWARD: readers on the previous schema can read data written with the new one; FULL: both.
 * The plain levels compare with the newest live version, the {@code _TRANSITIVE} ones with every
 * live version.
 */
public enum Compatibility {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** The level for a name in any case, or null if there is none by that name. */
    static Compatibility parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code candidate} may follow {@code previous} (live versions, oldest first) under
     * this level.
     */
    boolean allows(Schema candidate, List<Schema> previous) {
        if (this == NONE || previous.isEmpty()) {
            return true;
        }
        List<Schema> against = name().endsWith("_TRANSITIVE") ? previous : List.of(previous.get(previous.size() - 1));
        boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
        boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;
        for (Schema old : against) {
            if (backward && !canRead(candidate, old)) {
                return false;
            }
            if (forward && !canRead(old, candidate)) {
                return false;
            }
        }
        return true;
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibilityType.COMPATIBLE;
    }
}
