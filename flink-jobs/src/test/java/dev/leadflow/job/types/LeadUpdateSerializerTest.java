package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.scoring.Reason;
import dev.leadflow.scoring.StoryEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

/** Flink's conformance tests for the LeadUpdate format; LeadUpdate has no equals, so fields are compared. */
class LeadUpdateSerializerTest extends OwnSerializerTestBase<LeadUpdate> {

    LeadUpdateSerializerTest() {
        super(LeadUpdateSerializer.INSTANCE, LeadUpdate.class, false);
    }

    @Override
    protected LeadUpdate[] getTestData() {
        LeadUpdate queued = new LeadUpdate();
        queued.leadId = "lead-42";
        queued.accountKey = "example.com";
        queued.accountDomain = "example.com";
        queued.at = 1_764_000_000_000L;
        queued.version = 7_225_344_000_000_000L;
        queued.triggerEventId = "evt-9";
        queued.triggerIngestedAt = 1_764_000_000_050L;
        queued.fit = 35;
        queued.engagement = 61;
        queued.readiness = -5;
        queued.grade = "A";
        queued.handRaised = true;
        queued.wantsHandoff = true;
        queued.engaged = false;
        queued.handoffId = "lead-42-3";
        queued.queue = "enterprise-emea";
        queued.reasons = new ArrayList<>(List.of(
                new Reason("page:pricing", 21, "Viewed pricing 3 times in the last 24 h, +21", 1_763_999_000_000L),
                new Reason("fit:title", -10, "Title « Étudiant » −10 😀", Long.MIN_VALUE)));
        queued.name = "Zoë Ångström";
        queued.title = "VP Engineering";
        queued.company = "Example";
        queued.email = "zoe@example.com";
        queued.modelVersion = "2026-11-01";
        queued.story = new ArrayList<>(List.of(new StoryEntry(1_764_000_000_000L, "web", "Viewed pricing"),
                new StoryEntry(1_763_000_000_000L, "sales", "Call by s17 — « pas de réponse » 😀")));

        LeadUpdate leaving = LeadUpdate.leaving("lead-1", "lead:lead-1", null, 5, 20_480, "v1");
        leaving.engaged = true;
        leaving.reasons = null;
        leaving.story = null;

        LeadUpdate erased = LeadUpdate.erased("lead-2", "acme.io", "acme.io", 7, Long.MAX_VALUE, "req-1", null, "v1");
        erased.reasons = new ArrayList<>(Arrays.asList(new Reason(), null));

        return new LeadUpdate[] {queued, leaving, erased, new LeadUpdate()};
    }

    @Test
    void isWhatFlinkExtractsForLeadUpdate() {
        assertThat(TypeInformation.of(LeadUpdate.class)).isEqualTo(LeadUpdateSerializer.TYPE);
    }
}
