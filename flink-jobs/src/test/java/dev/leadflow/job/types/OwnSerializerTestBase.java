package dev.leadflow.job.types;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * Flink's conformance tests for serializers (round trips alone and in sequence, copies, reuse,
 * snapshot and restore, duplicate across threads, Java serialization) for one of this package's
 * serializers; records without {@code equals} are compared field by field.
 */
abstract class OwnSerializerTestBase<T> extends SerializerTestBase<T> {

    private final TypeSerializer<T> serializer;
    private final Class<T> type;

    OwnSerializerTestBase(TypeSerializer<T> serializer, Class<T> type, boolean hasEquals) {
        super(hasEquals ? new DeeplyEqualsChecker() : FieldByField.checker(type));
        this.serializer = serializer;
        this.type = type;
    }

    @Override
    protected final TypeSerializer<T> createSerializer() {
        return serializer;
    }

    @Override
    protected final int getLength() {
        return -1;
    }

    @Override
    protected final Class<T> getTypeClass() {
        return type;
    }
}
