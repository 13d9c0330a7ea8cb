package dev.leadflow.launcher.registry;

import static dev.leadflow.launcher.registry.Compatibility.BACKWARD;
import static dev.leadflow.launcher.registry.Compatibility.BACKWARD_TRANSITIVE;
import static dev.leadflow.launcher.registry.Compatibility.FORWARD;
import static dev.leadflow.launcher.registry.Compatibility.FORWARD_TRANSITIVE;
import static dev.leadflow.launcher.registry.Compatibility.FULL;
import static dev.leadflow.launcher.registry.Compatibility.FULL_TRANSITIVE;
import static dev.leadflow.launcher.registry.Compatibility.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Each level against schema changes whose verdict follows from Avro's resolution rules: a reader
 * needs a default for every field the writer may lack, and ignores fields it does not know.
 */
class CompatibilityTest {

    private static final Schema ID = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").endRecord();
    private static final Schema NOTE_WITH_DEFAULT = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").name("note").type().stringType().stringDefault("").endRecord();
    private static final Schema NOTE_REQUIRED = SchemaBuilder.record("Order").namespace("t").fields()
            .requiredString("id").requiredString("note").endRecord();

    @Test
    void eachLevelAgainstTheNewestOrEveryVersion() {
        // adding a field with a default: every reader copes
        assertThat(allowing(NOTE_WITH_DEFAULT, ID)).isEqualTo(EnumSet.allOf(Compatibility.class));
        // adding a required field: new readers cannot read old data; old readers ignore the field
        assertThat(allowing(NOTE_REQUIRED, ID)).containsExactlyInAnyOrder(NONE, FORWARD, FORWARD_TRANSITIVE);
        // removing a required field: new readers ignore it; old readers miss it
        assertThat(allowing(ID, NOTE_REQUIRED)).containsExactlyInAnyOrder(NONE, BACKWARD, BACKWARD_TRANSITIVE);
        // dropping the default after ID, NOTE_WITH_DEFAULT: fine with the newest, not with the first
        assertThat(allowing(NOTE_REQUIRED, ID, NOTE_WITH_DEFAULT))
                .containsExactlyInAnyOrder(NONE, BACKWARD, FORWARD, FORWARD_TRANSITIVE, FULL);
        // nothing to compare with
        assertThat(allowing(NOTE_REQUIRED)).isEqualTo(EnumSet.allOf(Compatibility.class));
    }

    @Test
    void namesInAnyCase() {
        assertThat(Compatibility.parse("full_transitive")).isEqualTo(FULL_TRANSITIVE);
        assertThat(Compatibility.parse(" Backward ")).isEqualTo(BACKWARD);
        assertThat(Compatibility.parse("sideways")).isNull();
        assertThat(Compatibility.parse(null)).isNull();
    }

    private static Set<Compatibility> allowing(Schema candidate, Schema... previous) {
        Set<Compatibility> levels = EnumSet.noneOf(Compatibility.class);
        for (Compatibility level : Compatibility.values()) {
            if (level.allows(candidate, List.of(previous))) {
                levels.add(level);
            }
        }
        return levels;
    }
}
