package dev.leadflow.job.types;

import dev.leadflow.scoring.FitGate;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.Profile;
import dev.leadflow.scoring.SalesType;
import dev.leadflow.scoring.SignalState;
import java.util.HashMap;

/** Flink's conformance tests for the LeadState format, compared field by field. */
class LeadStateSerializerTest extends OwnSerializerTestBase<LeadState> {

    LeadStateSerializerTest() {
        super(LeadStateSerializer.INSTANCE, LeadState.class, false);
    }

    @Override
    protected LeadState[] getTestData() {
        LeadState full = new LeadState();
        full.leadId = "lead-42";
        Profile p = new Profile();
        p.email = "zoë@example.com";
        p.firstName = "Zoë";
        p.lastName = "Ångström";
        p.title = "VP Engineering";
        p.company = "Example 株式会社";
        p.companyDomain = "example.com";
        p.companySize = "1000-4999";
        p.employees = 2500;
        p.industry = "Software";
        p.country = "SE";
        full.profile = p;
        full.profileAt = 1_764_000_000_000L;
        full.profileRev = 3;
        full.derivedModel = 0x1234_5678_9abc_def0L;
        full.derivedRev = 3;
        full.fit = 35;
        full.fitGate = FitGate.COMPETITOR;
        full.accountDomain = "example.com";
        full.queue = "enterprise-emea";
        full.derivedOwner = "seller-1";
        full.ownerSellerId = "seller-1";
        full.ownerAssignedAt = 1_763_000_000_000L;
        full.lastTouchAt = 1_763_500_000_000L;
        full.opportunityOpen = true;
        full.opportunityChangedAt = 1_763_600_000_000L;
        full.cooldownUntil = 1_765_000_000_000L;
        full.cooldownCause = SalesType.HANDOFF_REJECTED;
        full.cooldownReason = "not now — next quarter";
        full.lastHandRaiseAt = 1_763_900_000_000L;
        full.qualified = true;
        full.handoffOpen = true;
        full.handoffSeq = 3;
        full.handoffId = "lead-42-3";
        full.handoffOpenedAt = 1_763_950_000_000L;
        full.updateSeq = 17;
        full.publishedScores = -1;
        full.publishedQueue = "enterprise-emea";
        full.publishedUntil = Long.MAX_VALUE;
        full.publishedRev = 3;
        full.signals = new HashMap<>();
        SignalState pricing = new SignalState();
        pricing.value = 21.5;
        pricing.asOf = 1_763_990_000_000L;
        pricing.lastSeen = 1_763_990_000_000L;
        pricing.recent = new long[] {1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        pricing.recentCount = 3;
        pricing.recentHead = 0;
        pricing.creditDay = 20_416;
        pricing.creditedThatDay = 30;
        pricing.dayCredits = new long[] {20_415L << 32 | 10, 0, 0, 0};
        pricing.dayCreditCount = 1;
        full.signals.put("page:pricing", pricing);
        full.signals.put("campaign:*:OPEN", new SignalState());
        full.signals.put("broken", null);
        full.decayHalfLife = new long[] {86_400_000L, 604_800_000L};
        full.decayAsOf = new long[] {1_763_990_000_000L, Long.MIN_VALUE};
        full.decayValue = new double[] {21.5, -0.25};
        full.decayGroupCount = 2;
        full.decayModel = 99;
        full.recentEventIds = new long[] {7, -7, 0, 0, 0, 0, 0, 0};
        full.recentEventIdCount = 2;
        full.clock = 1_763_990_000_000L;
        full.lastEventAt = 1_763_990_000_000L;

        LeadState fresh = new LeadState();
        fresh.leadId = "lead-1";

        LeadState nulls = new LeadState();
        nulls.signals = null;
        nulls.fitGate = null;
        return new LeadState[] {full, fresh, nulls};
    }
}
