package dev.leadflow.job.types;

import dev.leadflow.job.identity.AnonymousVisitor;
import java.util.ArrayList;
import java.util.List;

/** Flink's conformance tests for identity stitching's one state per anonymous id. */
class AnonymousVisitorSerializerTest extends OwnSerializerTestBase<AnonymousVisitor> {

    AnonymousVisitorSerializerTest() {
        super(AnonymousVisitorSerializer.INSTANCE, AnonymousVisitor.class, false);
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
        AnonymousVisitor counting = new AnonymousVisitor();
        counting.heldCount = 300; // clicks in the list state (two varint bytes)
        counting.lastSeen = 1_764_000_000_000L;
        return new AnonymousVisitor[] {holding, linked, emptyList, counting, new AnonymousVisitor()};
    }
}
