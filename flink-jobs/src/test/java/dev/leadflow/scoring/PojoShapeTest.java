package dev.leadflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.Collection;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shapes Flink serializes as POJOs without Kryo: public class, public no-arg constructor,
 * public non-final fields, collections declared as interfaces with concrete type arguments. The
 * job's own tests check the real serializer (PojoTestUtils); this keeps the package honest
 * without Flink on its classpath.
 */
class PojoShapeTest {

    @ParameterizedTest
    @ValueSource(classes = {LeadState.class, SignalState.class, Profile.class, Evaluation.class, Reason.class,
        LeadEvent.class, StoryEntry.class})
    void isAFlinkPojo(Class<?> type) throws Exception {
        assertThat(Modifier.isPublic(type.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        for (Field f : type.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod)) {
                continue;
            }
            assertThat(Modifier.isPublic(mod)).as("%s is public", f).isTrue();
            assertThat(Modifier.isFinal(mod)).as("%s is not final", f).isFalse();
            assertThat(Modifier.isTransient(mod)).as("%s is not transient", f).isFalse();
            if (Collection.class.isAssignableFrom(f.getType()) || Map.class.isAssignableFrom(f.getType())) {
                assertThat(f.getType().isInterface()).as("%s is declared as an interface", f).isTrue();
                assertThat(f.getGenericType()).as("%s has type arguments", f).isInstanceOf(ParameterizedType.class);
            }
        }
        type.getConstructor().newInstance();
    }
}
