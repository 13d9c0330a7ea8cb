package dev.leadflow.job.types;

import dev.leadflow.job.AnonymousVisitor;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's conformance tests for identity stitching's one state per anonymous id. */
class AnonymousVisitorSerializerTest extends SerializerTestBase<AnonymousVisitor> {

    AnonymousVisitorSerializerTest() {
        super(FieldByField.checker(AnonymousVisitor.class));
    }

    @Override
    protected TypeSerializer<AnonymousVisitor> createSerializer() {
        return AnonymousVisitorSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<AnonymousVisitor> getTypeClass() {
        return AnonymousVisitor.class;
    }

    @Override
    protected AnonymousVisitor[] getTestData() {
        AnonymousVisitor holding = new AnonymousVisitor();
        holding.held = new ArrayList<>(List.of(new LeadEventSerializerTest().getTestData()));
        holding.lastSeen = 1_764_000_000_000L;

        AnonymousVisitor linked = new AnonymousVisitor();
        linked.linkedLead = "lead-42";
        linked.lastSeen = 1_764_000_000_000L;

        AnonymousVisitor emptyList = new AnonymousVisitor();
        emptyList.held = new ArrayList<>();
        return new AnonymousVisitor[] {holding, linked, emptyList, new AnonymousVisitor()};
    }
}
