package dev.leadflow.job.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.job.account.AccountTally;
import dev.leadflow.job.identity.AnonymousVisitor;
import dev.leadflow.job.scoring.LeadEmission;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.scoring.ScoredLead;
import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.LeadStory;
import dev.leadflow.scoring.Profile;
import dev.leadflow.scoring.Reason;
import dev.leadflow.scoring.SignalState;
import dev.leadflow.scoring.StoryEntry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The serializers in this package name each field by hand: a field added to one of these classes
 * and not to its serializer would silently be lost at the next shuffle or checkpoint. This lists
 * what each serializer writes; when it fails, add the field to the serializer (and a value for it
 * to the serializer's test data), then here.
 */
class SerializedFieldsTest {

    @Test
    void everyFieldIsWritten() {
        assertThat(fields(LeadEvent.class)).containsExactly("eventId", "source", "occurredAt", "ingestedAt", "leadId",
                "anonymousId", "signal", "name", "url", "traits", "sellerId", "accountDomain", "reason");
        assertThat(fields(LeadUpdate.class)).containsExactlyInAnyOrder("leadId", "accountKey", "accountDomain", "at", "version",
                "triggerEventId", "triggerIngestedAt", "fit", "engagement", "readiness", "grade", "handRaised",
                "wantsHandoff", "handoffId", "queue", "engaged", "reasons", "name", "title", "company", "email",
                "modelVersion", "erasureRequestId", "requestedBy", "story");
        assertThat(fields(Reason.class)).containsExactly("signal", "points", "detail", "lastSeen");
        assertThat(fields(LeadState.class)).containsExactly("leadId", "profile", "profileAt", "profileRev",
                "derivedModel", "derivedRev", "fit", "fitGate", "accountDomain", "queue", "derivedOwner",
                "ownerSellerId", "ownerAssignedAt", "lastTouchAt", "opportunityOpen", "opportunityChangedAt",
                "cooldownUntil", "cooldownCause", "cooldownReason", "lastHandRaiseAt", "qualified", "handoffOpen",
                "handoffSeq", "handoffId", "handoffOpenedAt", "updateSeq", "publishedScores", "publishedQueue",
                "publishedUntil", "publishedRev", "reasonsValidUntil", "signals", "decayHalfLife", "decayAsOf", "decayValue",
                "decayGroupCount", "decayModel", "recentEventIds", "recentEventIdCount", "clock", "lastEventAt");
        assertThat(fields(AnonymousVisitor.class)).containsExactly("linkedLead", "held", "heldCount", "lastSeen");
        assertThat(fields(StoryEntry.class)).containsExactly("at", "source", "what");
        assertThat(fields(LeadStory.class)).containsExactly("at", "source", "what", "size");
        assertThat(fields(AccountTally.class)).containsExactly("engaged", "open");
        assertThat(fields(ScoredLead.class)).containsExactly("lead", "emitted", "timer");
        assertThat(fields(LeadEmission.class)).containsExactly("accountKey", "accountDomain", "engaged", "wantsHandoff", "version");
        assertThat(fields(Profile.class)).containsExactly("email", "firstName", "lastName", "title", "company",
                "companyDomain", "companySize", "employees", "industry", "country");
        assertThat(fields(SignalState.class)).containsExactly("value", "asOf", "lastSeen", "recent", "recentCount",
                "recentHead", "creditDay", "creditedThatDay", "dayCredits", "dayCreditCount");
    }

    private static List<String> fields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName)
                .toList();
    }
}
