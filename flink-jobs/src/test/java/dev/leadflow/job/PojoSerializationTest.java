package dev.leadflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.account.AccountPrioritizer;
import dev.leadflow.job.account.Colleague;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.ControlRecord;
import dev.leadflow.job.identity.IdentityStitcher;
import dev.leadflow.job.ingest.DeadLetter;
import dev.leadflow.job.ingest.DecodedRecord;
import dev.leadflow.job.scoring.LeadScoringFunction;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.types.AccountTallySerializer;
import dev.leadflow.job.types.AnonymousVisitorSerializer;
import dev.leadflow.job.types.LeadEventSerializer;
import dev.leadflow.job.types.LeadUpdateSerializer;
import dev.leadflow.job.types.ScoredLeadSerializer;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.Reason;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/**
 * No silent Kryo: every type that crosses an operator boundary or lives in state is either a Flink
 * POJO or one of the job's own serializers (LeadEvent and LeadUpdate, the two types of the per-event
 * path, and ScoredLead with its LeadState, the largest state; see {@code dev.leadflow.job.types}), and the production
 * graph uses the latter wherever those types flow.
 */
class PojoSerializationTest {

    @Test
    void streamAndStateTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DecodedRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Control.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ControlRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(HandoffCommand.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AccountMember.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Colleague.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(dev.leadflow.scoring.StoryEntry.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Reason.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LeadState.class);
    }

    @Test
    void eventsAndUpdatesUseTheirOwnSerializersInsidePojosAndState() {
        assertThat(((PojoTypeInfo<?>) TypeInformation.of(DecodedRecord.class)).getTypeAt("event"))
                .isEqualTo(LeadEventSerializer.TYPE);
        assertThat(((PojoTypeInfo<?>) TypeInformation.of(AccountMember.class)).getTypeAt("last"))
                .isEqualTo(LeadUpdateSerializer.TYPE);
        IdentityStitcher.VISITOR.initializeSerializerUnlessSet(new ExecutionConfig());
        assertThat(IdentityStitcher.VISITOR.getSerializer()).isInstanceOf(AnonymousVisitorSerializer.class);
        LeadScoringFunction.STATE.initializeSerializerUnlessSet(new ExecutionConfig());
        assertThat(LeadScoringFunction.STATE.getSerializer()).isInstanceOf(ScoredLeadSerializer.class);
        AccountPrioritizer.TALLY.initializeSerializerUnlessSet(new ExecutionConfig());
        assertThat(AccountPrioritizer.TALLY.getSerializer()).isInstanceOf(AccountTallySerializer.class);
    }

    @Test
    void theProductionGraphUsesNoKryoNorPojoSerializersForEventsAndUpdates() {
        List<String> wrong = new ArrayList<>();
        int eventEdges = 0;
        int updateEdges = 0;
        for (StreamNode node : ProductionGraph.build().getStreamNodes()) {
            List<TypeSerializer<?>> serializers = new ArrayList<>(List.of(node.getTypeSerializersIn()));
            if (node.getTypeSerializerOut() != null) {
                serializers.add(node.getTypeSerializerOut());
            }
            for (TypeSerializer<?> ser : serializers) {
                if (ser instanceof KryoSerializer) {
                    wrong.add(node.getOperatorName() + ": Kryo");
                } else if (ser instanceof PojoSerializer<?> pojo
                        && (pojo.createInstance() instanceof LeadEvent || pojo.createInstance() instanceof LeadUpdate)) {
                    wrong.add(node.getOperatorName() + ": POJO serializer for " + pojo.createInstance().getClass().getSimpleName());
                }
                eventEdges += ser instanceof LeadEventSerializer ? 1 : 0;
                updateEdges += ser instanceof LeadUpdateSerializer ? 1 : 0;
            }
        }
        assertThat(wrong).isEmpty();
        // decoders (out), stitching (in and out), scoring (in) — and scoring's output into the prioritizer
        assertThat(eventEdges).isGreaterThanOrEqualTo(5);
        assertThat(updateEdges).isGreaterThanOrEqualTo(2);
    }
}
