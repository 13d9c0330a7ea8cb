package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.testutils.DeeplyEqualsChecker;

/** Equality for SerializerTestBase on classes without {@code equals}: every field, recursively. */
final class FieldByField {

    private FieldByField() {}

    static DeeplyEqualsChecker checker(Class<?> type) {
        return new DeeplyEqualsChecker().withCustomCheck(
                (a, b) -> type.isInstance(a) && type.isInstance(b),
                (a, b, checker) -> same(a, b));
    }

    private static boolean same(Object a, Object b) {
        try {
            assertThat(b).usingRecursiveComparison().isEqualTo(a);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
