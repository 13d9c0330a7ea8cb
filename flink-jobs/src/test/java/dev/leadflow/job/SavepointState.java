package dev.leadflow.job;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.job.account.AccountPrioritizer;
import dev.leadflow.job.identity.IdentityStitcher;
import dev.leadflow.job.scoring.LeadScoringFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * The keyed state of the job's stateful operators as read from a savepoint or retained checkpoint
 * with Flink's State Processor API: per operator uid, every key with the values of its keyed
 * states and its event-time timers. Values are canonical JSON trees (fields and map entries
 * sorted), so two reads compare with {@code equals} and a difference prints as readable text,
 * whether or not the state classes implement {@code equals}.
 *
 * <pre>{@code
 * SavepointState s = SavepointState.read(savepointPath);
 * s.keys(Uids.SCORING);                          // every lead id with scoring state
 * s.value(Uids.SCORING, "lead-7", "scored-lead", ScoredLead.class);
 * s.mentions("lead-7");                          // every key or value of any operator holding it
 * }</pre>
 *
 * <p>Only states listed in {@link #OPERATORS} can be read (the API needs their descriptors), so
 * reading fails loudly when the savepoint holds a keyed state of one of these operators that is
 * not listed: a new state added to a function must be added here too, or {@link #keys} would
 * silently miss keys that exist only in it. Keys that hold nothing but a timer are not listed
 * (the API visits keys of the listed states only); timers of listed keys are.
 *
 * <p>Reading runs a small batch job on the current execution environment (the test's MiniCluster),
 * so call it while the cluster has a free slot.
 */
public final class SavepointState {

    /** The keyed states of each stateful operator: the production functions' own descriptors. */
    static final Map<String, List<StateDescriptor<?, ?>>> OPERATORS = Map.of(
            LeadFlowPipeline.Uids.STITCHING, List.of(IdentityStitcher.VISITOR, IdentityStitcher.HELD),
            LeadFlowPipeline.Uids.SCORING, List.of(LeadScoringFunction.STATE, LeadScoringFunction.STORY),
            LeadFlowPipeline.Uids.PRIORITIZER, List.of(AccountPrioritizer.MEMBERS, AccountPrioritizer.TALLY));

    /** Fields (any visibility, no getters) and map entries in sorted order: one text per value. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .build();

    /** One key of one operator: its non-empty states by name, and its event-time timers. */
    public record KeyedState(Map<String, JsonNode> states, Set<Long> eventTimeTimers) {}

    private final String path;
    private final Map<String, Map<String, KeyedState>> byOperator;

    private SavepointState(String path, Map<String, Map<String, KeyedState>> byOperator) {
        this.path = path;
        this.byOperator = byOperator;
    }

    /** Reads every operator of {@link #OPERATORS} that has state in the savepoint at {@code dir}. */
    public static SavepointState read(Path dir) throws Exception {
        return read(dir.toUri().toString());
    }

    public static SavepointState read(String path) throws Exception {
        Map<String, Set<String>> inSavepoint = keyedStateNames(path);
        for (Map.Entry<String, Set<String>> e : inSavepoint.entrySet()) {
            Set<String> known = OPERATORS.get(e.getKey()).stream().map(StateDescriptor::getName).collect(Collectors.toSet());
            Set<String> unknown = new TreeSet<>(e.getValue());
            unknown.removeAll(known);
            if (!unknown.isEmpty()) {
                throw new IllegalStateException("savepoint " + path + " holds keyed state " + unknown + " of operator '"
                        + e.getKey() + "' that SavepointState.OPERATORS does not list; add its descriptor there, "
                        + "or keys() would miss keys that live only in it");
            }
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        SavepointReader reader = SavepointReader.read(env, path, new HashMapStateBackend());
        DataStream<String> all = null;
        for (String uid : inSavepoint.keySet()) {
            DataStream<String> one = reader.readKeyedState(OperatorIdentifier.forUid(uid),
                    new ReadAll(uid, OPERATORS.get(uid)), Types.STRING, Types.STRING);
            all = all == null ? one : all.union(one);
        }
        Map<String, Map<String, KeyedState>> byOperator = new TreeMap<>();
        for (String uid : inSavepoint.keySet()) {
            byOperator.put(uid, new TreeMap<>());
        }
        if (all != null) {
            try (CloseableIterator<String> rows = all.executeAndCollect("read savepoint " + path)) {
                while (rows.hasNext()) {
                    JsonNode row = JSON.readTree(rows.next());
                    Map<String, JsonNode> states = new TreeMap<>();
                    row.get("states").fields().forEachRemaining(f -> states.put(f.getKey(), f.getValue()));
                    Set<Long> timers = new TreeSet<>();
                    row.get("timers").forEach(t -> timers.add(t.asLong()));
                    KeyedState previous = byOperator.get(row.get("uid").asText())
                            .put(row.get("key").asText(), new KeyedState(states, timers));
                    if (previous != null) {
                        throw new IllegalStateException("key " + row.get("key") + " read twice from " + path);
                    }
                }
            }
        }
        return new SavepointState(path, byOperator);
    }

    /** Where this state was read from. */
    public String path() {
        return path;
    }

    /** Uids of the listed operators that have keyed state in the savepoint. */
    public Set<String> operators() {
        return Collections.unmodifiableSet(byOperator.keySet());
    }

    /** Every key of the operator (lead ids for scoring, anonymous ids for stitching, account keys for the prioritizer). */
    public Set<String> keys(String uid) {
        return Collections.unmodifiableSet(operator(uid).keySet());
    }

    /** Key → states of one operator; an operator without state in the savepoint has none. */
    public Map<String, KeyedState> operator(String uid) {
        if (!OPERATORS.containsKey(uid)) {
            throw new IllegalArgumentException("unknown stateful operator uid '" + uid + "', known: " + OPERATORS.keySet());
        }
        return Collections.unmodifiableMap(byOperator.getOrDefault(uid, Map.of()));
    }

    /** The canonical value of one state of one key, or null when the key has none. */
    public JsonNode value(String uid, String key, String stateName) {
        KeyedState k = operator(uid).get(key);
        return k == null ? null : k.states().get(stateName);
    }

    /** The value of one state of one key as its class (a copy rebuilt from the canonical form), or null. */
    public <T> T value(String uid, String key, String stateName, Class<T> type) throws JsonProcessingException {
        JsonNode node = value(uid, key, stateName);
        return node == null ? null : JSON.treeToValue(node, type);
    }

    /**
     * Every place the text appears exactly, as "uid/key" or "uid/key/state": as a key, or anywhere
     * in a state value as a string or a map key (a stitched anonymous id's linked lead, an account's
     * member map, a buffered event). Empty when the savepoint holds nothing of it, which is what an
     * erasure test wants. "lead-1" does not match "lead-10"; use {@link #mentions(Predicate)} for more.
     */
    public List<String> mentions(String text) {
        return mentions(text::equals);
    }

    /** Every key, string value or map key that matches, as in {@link #mentions(String)}. */
    public List<String> mentions(Predicate<String> match) {
        List<String> hits = new ArrayList<>();
        byOperator.forEach((uid, keys) -> keys.forEach((key, state) -> {
            if (match.test(key)) {
                hits.add(uid + "/" + key);
            }
            state.states().forEach((name, value) -> {
                if (contains(value, match)) {
                    hits.add(uid + "/" + key + "/" + name);
                }
            });
        }));
        return hits;
    }

    private static boolean contains(JsonNode node, Predicate<String> match) {
        if (node.isTextual()) {
            return match.test(node.asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (match.test(f.getKey()) || contains(f.getValue(), match)) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (contains(item, match)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Names of the keyed (key/value) states each listed operator has in the savepoint, from the
     * meta data at the head of each subtask's keyed-state stream (full snapshots: every savepoint,
     * and checkpoints of the hashmap backend).
     */
    static Map<String, Set<String>> keyedStateNames(String path) throws IOException {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
        Map<String, Set<String>> names = new TreeMap<>();
        for (String uid : OPERATORS.keySet()) {
            OperatorState op = metadata.getOperatorStates().stream()
                    .filter(s -> s.getOperatorID().equals(OperatorIdentifier.forUid(uid).getOperatorId()))
                    .findFirst().orElse(null);
            if (op == null) {
                continue;
            }
            Set<String> found = new TreeSet<>();
            for (OperatorSubtaskState subtask : op.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    if (!(handle instanceof KeyGroupsStateHandle groups)) {
                        throw new IllegalStateException("cannot list the states of " + handle.getClass().getSimpleName()
                                + " (operator " + uid + "); read a savepoint or a hashmap-backend checkpoint");
                    }
                    KeyedBackendSerializationProxy<String> proxy =
                            new KeyedBackendSerializationProxy<>(SavepointState.class.getClassLoader());
                    try (InputStream in = groups.openInputStream()) {
                        proxy.read(new DataInputViewStreamWrapper(in));
                    }
                    for (StateMetaInfoSnapshot s : proxy.getStateMetaInfoSnapshots()) {
                        if (s.getBackendStateType() == StateMetaInfoSnapshot.BackendStateType.KEY_VALUE) {
                            found.add(s.getName());
                        }
                    }
                }
            }
            if (!found.isEmpty()) {
                names.put(uid, found);
            }
        }
        return names;
    }

    /** Emits one JSON row per key: operator uid, key, non-empty states, event-time timers. */
    private static final class ReadAll extends KeyedStateReaderFunction<String, String> {
        private static final long serialVersionUID = 1L;

        private final String uid;
        private final List<StateDescriptor<?, ?>> descriptors;
        private transient Map<String, State> states;

        ReadAll(String uid, List<StateDescriptor<?, ?>> descriptors) {
            this.uid = uid;
            this.descriptors = descriptors;
        }

        @Override
        public void open(OpenContext openContext) {
            states = new LinkedHashMap<>();
            for (StateDescriptor<?, ?> d : descriptors) {
                State s;
                if (d instanceof ValueStateDescriptor<?> v) {
                    s = getRuntimeContext().getState(v);
                } else if (d instanceof ListStateDescriptor<?> l) {
                    s = getRuntimeContext().getListState(l);
                } else if (d instanceof MapStateDescriptor<?, ?> m) {
                    s = getRuntimeContext().getMapState(m);
                } else {
                    throw new IllegalArgumentException("unsupported state kind " + d);
                }
                states.put(d.getName(), s);
            }
        }

        @Override
        public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
            ObjectNode row = JSON.createObjectNode();
            row.put("uid", uid);
            row.put("key", key);
            ObjectNode values = row.putObject("states");
            for (Map.Entry<String, State> e : states.entrySet()) {
                Object value = read(e.getValue());
                if (value != null) {
                    values.set(e.getKey(), JSON.valueToTree(value));
                }
            }
            var timers = row.putArray("timers");
            new TreeSet<>(ctx.registeredEventTimeTimers()).forEach(timers::add);
            out.collect(JSON.writeValueAsString(row));
        }

        private static Object read(State s) throws Exception {
            if (s instanceof ValueState<?> v) {
                return v.value();
            }
            if (s instanceof ListState<?> l) {
                List<Object> items = new ArrayList<>();
                Iterable<?> it = l.get();
                if (it != null) {
                    it.forEach(items::add);
                }
                return items.isEmpty() ? null : items;
            }
            MapState<?, ?> m = (MapState<?, ?>) s;
            Map<String, Object> entries = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entries()) {
                entries.put(String.valueOf(e.getKey()), e.getValue());
            }
            return entries.isEmpty() ? null : entries;
        }
    }
}
