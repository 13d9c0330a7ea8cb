package dev.leadflow.job.account;

import dev.leadflow.job.AccountMember;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.control.Control;
import dev.leadflow.job.control.LiveModel;
import dev.leadflow.job.scoring.HandoffVersions;
import dev.leadflow.job.scoring.LeadUpdate;
import dev.leadflow.job.types.AccountTallySerializer;
import dev.leadflow.scoring.AccountPriority;
import dev.leadflow.scoring.model.ScoringModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by account. Counts the account's engaged leads (its buying committee), gives each lead
 * wanting a handoff its queue priority, and turns each lead's handoff lifecycle into queue
 * actions: ENQUEUE when a handoff opens, UPDATE when its priority or reasons change while it
 * waits (including when a colleague's engagement changes the committee), WITHDRAW when it
 * closes. A queue change is a WITHDRAW from the old queue and an ENQUEUE into the new one.
 *
 * <p>Versions are the lead's, not the account's: lead scoring gives each update a block of versions
 * ({@link HandoffVersions}) and the actions derived from an update are numbered inside its block, so a
 * lead's versions grow across accounts and subtasks (an account move's WITHDRAW, decided here for the old
 * account, is always older than the new account's ENQUEUE). A colleague's re-prioritization takes the next
 * version in the lead's current block; in the rare case the block is used up it waits for the lead's next
 * update, and is counted.
 *
 * <p>An erased lead's handoff is withdrawn, the lead is forgotten, and an ERASE command follows for
 * the queue sink. The broadcast input carries new scoring models (priority weights) and the
 * REBUILD_QUEUE command, which re-sends every open handoff as an ENQUEUE with the version it already
 * has: Redis takes it only where the lead is missing, e.g. after Redis lost its data.
 */
public class AccountPrioritizer extends KeyedBroadcastProcessFunction<String, LeadUpdate, Control, HandoffCommand> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AccountPrioritizer.class);
    public static final MapStateDescriptor<String, AccountMember> MEMBERS = new MapStateDescriptor<>(
            "members", Types.STRING, TypeInformation.of(AccountMember.class));
    public static final ValueStateDescriptor<AccountTally> TALLY = new ValueStateDescriptor<>("account-tally", AccountTallySerializer.TYPE);

    /** The largest committee named in a handoff: bounds what one action reads of its account. */
    static final int COMMITTEE_NAMED = 64;

    private final ScoringModel model;

    private transient LiveModel live;
    private transient MapState<String, AccountMember> members;
    private transient ValueState<AccountTally> tally;
    private transient Map<HandoffCommand.Action, Counter> actions;
    private transient Counter deferred;
    /** Ids of the queue rebuilds done since this task started, the latest few: a repeated request is done once. */
    private transient Set<String> rebuildsDone;

    public AccountPrioritizer(ScoringModel model) {
        this.model = model;
    }

    @Override
    public void open(OpenContext openContext) {
        live = new LiveModel(model, "account prioritizer " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        members = getRuntimeContext().getMapState(MEMBERS);
        tally = getRuntimeContext().getState(TALLY);
        rebuildsDone = Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > 64;
            }
        });
        actions = new EnumMap<>(HandoffCommand.Action.class);
        for (HandoffCommand.Action a : HandoffCommand.Action.values()) {
            actions.put(a, getRuntimeContext().getMetricGroup()
                    .addGroup("action", a.name().toLowerCase(java.util.Locale.ROOT))
                    .counter(JobMetrics.HANDOFF_ACTIONS));
        }
        deferred = getRuntimeContext().getMetricGroup().counter(JobMetrics.REPRIORITIZATIONS_DEFERRED);
    }

    @Override
    public void processBroadcastElement(Control c, Context ctx, Collector<HandoffCommand> out) throws Exception {
        if (c.kind == Control.Kind.MODEL) {
            live.apply(c, ctx.getBroadcastState(LiveModel.STATE));
        } else if (c.kind == Control.Kind.REBUILD_QUEUE) {
            if (!rebuildsDone.add(c.id)) {
                // every queue sink subtask that saw the same Redis failover asks with the same id
                return;
            }
            long[] resent = {0};
            ctx.applyToKeyedState(MEMBERS, (account, state) -> {
                int engaged = 0;
                List<AccountMember> open = new ArrayList<>();
                for (AccountMember m : state.values()) {
                    engaged += m.engaged ? 1 : 0;
                    if (m.open) {
                        open.add(m);
                    }
                }
                for (AccountMember m : open) {
                    out.collect(resend(m, engaged, colleaguesOf(m.last.leadId, engaged, state.entries())));
                    resent[0]++;
                }
            });
            LOG.info("Queue rebuild {} (requested by {}): re-sent {} open handoffs of this subtask",
                    c.id, c.requestedBy, resent[0]);
        }
    }

    /** The open handoff as an ENQUEUE with the version, priority and enqueue time it already has. */
    private static HandoffCommand resend(AccountMember m, int engaged, List<Colleague> people) {
        HandoffCommand c = command(m, m.last, HandoffCommand.Action.ENQUEUE, m.priority, engaged, people);
        c.version = m.version;
        c.triggerIngestedAt = 0; // not an event's doing: no latency sample
        c.rebuild = true;
        return c;
    }

    @Override
    public void processElement(LeadUpdate u, ReadOnlyContext ctx, Collector<HandoffCommand> out) throws Exception {
        live.restore(ctx.getBroadcastState(LiveModel.STATE));
        if (u.isErasure()) {
            erase(u, out);
            return;
        }
        AccountMember m = members.get(u.leadId);
        if (m == null) {
            m = new AccountMember();
        }
        AccountTally t = tallyOf();
        int before = t.engaged;
        boolean wasOpen = m.open;
        t.engaged = before + (u.engaged ? 1 : 0) - (m.engaged ? 1 : 0);
        m.engaged = u.engaged;
        m.last = u;
        decide(m, u, t.engaged, out);
        if (!m.engaged && !m.open) {
            members.remove(u.leadId);
        } else {
            members.put(u.leadId, m);
        }
        if (m.open != wasOpen) {
            if (m.open) {
                t.open.add(u.leadId);
            } else {
                t.open.remove(u.leadId);
            }
        }
        if (t.engaged != before || m.open != wasOpen) {
            store(t);
        }
        if (t.engaged != before) {
            reprioritizeColleagues(u, t, out);
        }
    }

    private AccountTally tallyOf() throws Exception {
        AccountTally t = tally.value();
        return t == null ? new AccountTally() : t;
    }

    private void store(AccountTally t) throws Exception {
        if (t.isEmpty()) {
            tally.clear(); // nothing of a fully cold account stays in state
        } else {
            tally.update(t);
        }
    }

    /** Withdraws the erased lead's open handoff, forgets the lead, and passes the erasure on. */
    private void erase(LeadUpdate u, Collector<HandoffCommand> out) throws Exception {
        AccountMember m = members.get(u.leadId);
        if (m != null) {
            AccountTally t = tallyOf();
            int before = t.engaged;
            t.engaged = before - (m.engaged ? 1 : 0);
            if (m.open) {
                emit(m, u, HandoffCommand.Action.WITHDRAW, m.priority, t.engaged, out);
                t.open.remove(u.leadId);
            }
            members.remove(u.leadId);
            store(t);
            if (t.engaged != before) {
                // every colleague's handoff named the erased person: all of them are rewritten without
                reprioritizeColleagues(u, t, out);
            }
        }
        actions.get(HandoffCommand.Action.ERASE).inc();
        out.collect(HandoffCommand.erase(u.leadId, u.erasureRequestId, u.requestedBy, u.at));
    }

    private void decide(AccountMember m, LeadUpdate u, int engaged, Collector<HandoffCommand> out) throws Exception {
        if (!u.wantsHandoff) {
            if (m.open) {
                emit(m, u, HandoffCommand.Action.WITHDRAW, m.priority, engaged, out);
                m.open = false;
            }
            return;
        }
        double priority = AccountPriority.priority(live.current(), u.readiness, u.engaged, u.handRaised, engaged);
        boolean moved = m.open && (!Objects.equals(m.queue, u.queue) || !Objects.equals(m.handoffId, u.handoffId));
        if (moved) {
            emit(m, u, HandoffCommand.Action.WITHDRAW, m.priority, engaged, out);
            m.open = false;
        }
        if (!m.open) {
            m.open = true;
            m.handoffId = u.handoffId;
            m.queue = u.queue;
            m.enqueuedAt = u.at;
            m.priority = priority;
            emit(m, u, HandoffCommand.Action.ENQUEUE, priority, engaged, out);
        } else {
            m.priority = priority;
            emit(m, u, HandoffCommand.Action.UPDATE, priority, engaged, out);
        }
    }

    /**
     * The committee changed: every queued colleague's handoff is rewritten, oldest first — its priority may change
     * with the committee's size, and its payload names the committee (a person who left it, was erased included,
     * must not stay in a colleague's handoff).
     */
    private void reprioritizeColleagues(LeadUpdate trigger, AccountTally t, Collector<HandoffCommand> out) throws Exception {
        for (String lead : t.open) {
            AccountMember m = lead.equals(trigger.leadId) ? null : members.get(lead);
            if (m == null || !m.open) {
                continue;
            }
            if (!HandoffVersions.inBlock(m.version + 1, m.last.version)) {
                deferred.inc(); // the lead's block is used up: its next update from scoring brings the change
                continue;
            }
            m.priority = AccountPriority.priority(live.current(), m.last.readiness, m.last.engaged, m.last.handRaised, t.engaged);
            // Attribute the change to the event that caused it, at its time.
            LeadUpdate u = copyWithTrigger(m.last, trigger);
            emit(m, u, HandoffCommand.Action.UPDATE, m.priority, t.engaged, out);
            members.put(lead, m);
        }
    }

    /**
     * The account's engaged people other than {@code leadId}, at most {@link Colleague#SHOWN}: the committee the
     * seller meets. Chosen by a fixed order — people with a name first, then by lead id — so that the same state
     * names the same people whatever order its members are read in (a restored job reads them in another, and
     * its queue must equal the one it would have written). A committee of more than {@link #COMMITTEE_NAMED}
     * engaged people is shown by its size alone: naming it would read every member for every action.
     */
    private static List<Colleague> colleaguesOf(String leadId, int engaged,
            Iterable<Map.Entry<String, AccountMember>> members) throws Exception {
        if (engaged == 0 || engaged > COMMITTEE_NAMED) {
            return List.of();
        }
        List<Map.Entry<String, AccountMember>> chosen = new ArrayList<>(Colleague.SHOWN + 1);
        for (Map.Entry<String, AccountMember> e : members) {
            AccountMember m = e.getValue();
            LeadUpdate last = m.last;
            if (!m.engaged || last == null || e.getKey().equals(leadId) || (last.name == null && last.title == null)) {
                continue;
            }
            int at = chosen.size();
            while (at > 0 && SHOWN_FIRST.compare(e, chosen.get(at - 1)) < 0) {
                at--;
            }
            if (at < Colleague.SHOWN) {
                chosen.add(at, Map.entry(e.getKey(), m));
                if (chosen.size() > Colleague.SHOWN) {
                    chosen.remove(Colleague.SHOWN);
                }
            }
        }
        List<Colleague> people = new ArrayList<>(chosen.size());
        for (Map.Entry<String, AccountMember> e : chosen) {
            people.add(new Colleague(e.getValue().last.name, e.getValue().last.title));
        }
        return people;
    }

    /** People with a name before those known only by title, then by lead id. */
    private static final Comparator<Map.Entry<String, AccountMember>> SHOWN_FIRST =
            Comparator.<Map.Entry<String, AccountMember>, Boolean>comparing(e -> e.getValue().last.name == null)
                    .thenComparing(Map.Entry::getKey);

    private static LeadUpdate copyWithTrigger(LeadUpdate basis, LeadUpdate trigger) {
        LeadUpdate u = basis.shallowCopy();
        u.at = Math.max(basis.at, trigger.at);
        u.triggerEventId = trigger.triggerEventId;
        u.triggerIngestedAt = trigger.triggerIngestedAt;
        return u;
    }

    private void emit(AccountMember m, LeadUpdate u, HandoffCommand.Action action, double priority, int engaged,
            Collector<HandoffCommand> out) throws Exception {
        // the first action of an update takes the first version of its block, any further one the next
        m.version = Math.max(m.version + 1, u.version);
        // a withdrawal's payload is never read: no need to look the committee up for it
        List<Colleague> people = action == HandoffCommand.Action.WITHDRAW
                ? List.of() : colleaguesOf(u.leadId, engaged, members.entries());
        HandoffCommand c = command(m, u, action, priority, engaged, people);
        actions.get(action).inc();
        out.collect(c);
    }

    private static HandoffCommand command(AccountMember m, LeadUpdate u, HandoffCommand.Action action, double priority,
            int engaged, List<Colleague> people) {
        HandoffCommand c = new HandoffCommand();
        c.action = action;
        c.handoffId = m.handoffId;
        c.leadId = u.leadId;
        c.queue = m.queue;
        c.version = m.version;
        c.priority = priority;
        c.enqueuedAt = m.enqueuedAt;
        c.at = u.at;
        c.readiness = u.readiness;
        c.fit = u.fit;
        c.engagement = u.engagement;
        c.grade = u.grade;
        c.reasons = u.reasons;
        c.accountDomain = u.accountDomain;
        c.engagedLeads = engaged;
        c.people = people;
        c.story = u.story == null ? List.of() : u.story;
        c.name = u.name;
        c.title = u.title;
        c.company = u.company;
        c.email = u.email;
        c.modelVersion = u.modelVersion;
        c.triggerEventId = u.triggerEventId;
        c.triggerIngestedAt = u.triggerIngestedAt;
        return c;
    }
}
