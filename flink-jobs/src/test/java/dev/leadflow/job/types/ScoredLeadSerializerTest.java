package dev.leadflow.job.types;

import dev.leadflow.job.scoring.LeadEmission;
import dev.leadflow.job.scoring.ScoredLead;
import dev.leadflow.scoring.LeadState;

/** Flink's conformance tests for lead scoring's one state per lead, compared field by field. */
class ScoredLeadSerializerTest extends OwnSerializerTestBase<ScoredLead> {

    ScoredLeadSerializerTest() {
        super(ScoredLeadSerializer.INSTANCE, ScoredLead.class, false);
    }

    @Override
    protected ScoredLead[] getTestData() {
        ScoredLead queued = new ScoredLead(new LeadStateSerializerTest().getTestData()[0]);
        queued.emitted = new LeadEmission();
        queued.emitted.accountKey = "example.com";
        queued.emitted.accountDomain = "example.com";
        queued.emitted.engaged = true;
        queued.emitted.wantsHandoff = true;
        queued.timer = 1_764_000_000_000L;

        LeadState fresh = new LeadState();
        fresh.leadId = "lead-1";
        ScoredLead noAccount = new ScoredLead(fresh);
        noAccount.emitted = new LeadEmission();
        noAccount.emitted.accountKey = "lead:lead-1";

        return new ScoredLead[] {queued, noAccount, new ScoredLead(fresh), new ScoredLead()};
    }
}
