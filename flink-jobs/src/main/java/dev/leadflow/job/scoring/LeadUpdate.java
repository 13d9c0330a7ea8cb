package dev.leadflow.job.scoring;

import dev.leadflow.job.types.LeadUpdateSerializer;
import dev.leadflow.scoring.Reason;
import dev.leadflow.scoring.StoryEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What lead scoring tells the account prioritizer about one lead: its scores, whether it wants a
 * handoff now and where to, and whether it counts as engaged for its account's buying
 * committee. Emitted only when one of those changes. Serialized by {@link LeadUpdateSerializer}
 * (on the network and in the prioritizer's state), not as a POJO.
 */
@TypeInfo(LeadUpdateSerializer.Factory.class)
public class LeadUpdate {
    public String leadId;
    /** Account key: the account domain, or {@code lead:<id>} for a lead without an account. */
    public String accountKey;
    public String accountDomain;
    /** The lead's event-time clock when this was decided, epoch millis. */
    public long at;
    /**
     * First version of the block of queue-action versions this update opens; grows with every update of
     * the lead (see {@link HandoffVersions}).
     */
    public long version;
    public String triggerEventId;
    /** Kafka timestamp of the triggering event (0 for timer-driven changes). */
    public long triggerIngestedAt;
    public int fit;
    public int engagement;
    public int readiness;
    public String grade;
    public boolean handRaised;
    public boolean wantsHandoff;
    public String handoffId;
    public String queue;
    public boolean engaged;
    public List<Reason> reasons = new ArrayList<>();
    /**
     * The lead's recent activity, newest first (see {@link dev.leadflow.scoring.LeadStory}); only while it wants a
     * handoff, empty or null otherwise. Entries are never changed once made.
     */
    public List<StoryEntry> story = List.of();
    public String name;
    public String title;
    public String company;
    public String email;
    public String modelVersion;
    /** Set only on an erasure: the request's id, and who asked (nullable). */
    public String erasureRequestId;
    public String requestedBy;

    public LeadUpdate() {}

    /** Tells the account this lead no longer wants a handoff nor counts as engaged. */
    public static LeadUpdate leaving(String leadId, String accountKey, String accountDomain, long at, long version,
            String modelVersion) {
        LeadUpdate u = new LeadUpdate();
        u.leadId = leadId;
        u.accountKey = accountKey;
        u.accountDomain = accountDomain;
        u.at = at;
        u.version = version;
        u.modelVersion = modelVersion;
        return u;
    }

    /**
     * The lead was erased: the prioritizer withdraws its handoff, forgets it, and passes the
     * erasure on to the queue sink.
     */
    public static LeadUpdate erased(String leadId, String accountKey, String accountDomain, long at, long version,
            String requestId, String requestedBy, String modelVersion) {
        LeadUpdate u = leaving(leadId, accountKey, accountDomain, at, version, modelVersion);
        u.erasureRequestId = requestId;
        u.requestedBy = requestedBy;
        return u;
    }

    /** A copy that shares the reasons and story lists and their entries, which are never changed once published. */
    public LeadUpdate shallowCopy() {
        LeadUpdate u = new LeadUpdate();
        u.leadId = leadId;
        u.accountKey = accountKey;
        u.accountDomain = accountDomain;
        u.at = at;
        u.version = version;
        u.triggerEventId = triggerEventId;
        u.triggerIngestedAt = triggerIngestedAt;
        u.fit = fit;
        u.engagement = engagement;
        u.readiness = readiness;
        u.grade = grade;
        u.handRaised = handRaised;
        u.wantsHandoff = wantsHandoff;
        u.handoffId = handoffId;
        u.queue = queue;
        u.engaged = engaged;
        u.reasons = reasons;
        u.story = story;
        u.name = name;
        u.title = title;
        u.company = company;
        u.email = email;
        u.modelVersion = modelVersion;
        u.erasureRequestId = erasureRequestId;
        u.requestedBy = requestedBy;
        return u;
    }

    public boolean isErasure() {
        return erasureRequestId != null;
    }

    public static String accountKey(String accountDomain, String leadId) {
        return accountDomain != null ? accountDomain : "lead:" + leadId;
    }

    @Override
    public String toString() {
        return "LeadUpdate{" + leadId + " account=" + accountKey + " at=" + at + " v=" + version + " readiness=" + readiness
                + " wants=" + wantsHandoff + " handoff=" + handoffId + " queue=" + queue + " engaged=" + engaged + '}';
    }
}
