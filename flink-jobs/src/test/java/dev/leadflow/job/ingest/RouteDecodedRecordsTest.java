package dev.leadflow.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.identity.IdentityStitcherTest;
import dev.leadflow.scoring.LeadEvent;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where each decoded record goes: scoring, identity stitching, or the DLQ. */
class RouteDecodedRecordsTest {

    private static final long T0 = 1_700_000_000_000L;

    private OneInputStreamOperatorTestHarness<DecodedRecord, LeadEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RouteDecodedRecords()));
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void eachRecordGoesToItsStage() throws Exception {
        LeadEvent anonymous = IdentityStitcherTest.click("a", null, "anon-1", "page:docs", T0);
        LeadEvent identified = IdentityStitcherTest.click("b", "lead-1", "anon-1", "identify", T0 + 1);
        LeadEvent sales = IdentityStitcherTest.click("c", "lead-1", null, "sales:CALL", T0 + 2);
        DeadLetter dead = new DeadLetter();
        for (DecodedRecord r : List.of(DecodedRecord.of(anonymous), DecodedRecord.of(identified),
                DecodedRecord.of(sales), DecodedRecord.dead(dead))) {
            harness.processElement(new StreamRecord<>(r, T0));
        }

        // straight to scoring: what has no anonymous id
        assertThat(harness.extractOutputValues()).containsExactly(sales);
        // to stitching: every click with an anonymous id, identified or not, whole — so all of one
        // visitor's clicks reach scoring through one path, in their order (see the class comment)
        assertThat(harness.getSideOutput(RouteDecodedRecords.Tags.TO_STITCH)).extracting(StreamRecord::getValue)
                .containsExactly(anonymous, identified);
        assertThat(harness.getSideOutput(RouteDecodedRecords.Tags.DEAD_LETTERS)).extracting(r -> r.getValue().toString())
                .containsExactly(dead.toString());
    }
}
