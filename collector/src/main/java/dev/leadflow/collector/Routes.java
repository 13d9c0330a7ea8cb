package dev.leadflow.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadflow.collector.mapping.EventTimes;
import dev.leadflow.collector.mapping.Outgoing;
import dev.leadflow.collector.mapping.SalesActivities;
import dev.leadflow.collector.mapping.SegmentMapper;
import dev.leadflow.collector.mapping.SegmentMapper.Call;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP surface: Segment's HTTP Tracking API (and analytics.js's short paths), the CRM
 * webhook, metrics and health. A request is answered 200 only once Kafka has acknowledged every record
 * made from it; a request with any invalid event writes nothing.
 */
final class Routes {

    /** Segment's limits: 32 KB per event (and per single call), 500 KB per batch, 2,500 events per batch. */
    static final int MAX_EVENT_BYTES = 32 * 1024;
    static final int MAX_BATCH_BYTES = 500 * 1024;
    static final int MAX_BATCH_EVENTS = 2_500;

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String JSON = "application/json";

    private final WriteKeys keys;
    private final EventWriter writer;
    private final CollectorMetrics metrics;
    private final SegmentMapper segment;
    private final SalesActivities sales;
    private final List<String> allowedOrigins;

    Routes(WriteKeys keys, EventWriter writer, CollectorMetrics metrics, CollectorConfig config) {
        this.keys = keys;
        this.writer = writer;
        this.metrics = metrics;
        this.segment = new SegmentMapper(new EventTimes(config.maxEventAhead()));
        this.sales = new SalesActivities(config.maxEventAhead());
        this.allowedOrigins = config.allowedOrigins();
    }

    void register(RoutesConfig routes) {
        tracking(routes, Call.IDENTIFY, "/v1/identify", "/v1/i");
        tracking(routes, Call.TRACK, "/v1/track", "/v1/t");
        tracking(routes, Call.PAGE, "/v1/page", "/v1/p");
        tracking(routes, Call.SCREEN, "/v1/screen", "/v1/s");
        tracking(routes, Call.ALIAS, "/v1/alias", "/v1/a");
        tracking(routes, Call.GROUP, "/v1/group", "/v1/g");
        tracking(routes, null, "/v1/batch", "/v1/b");
        tracking(routes, null, "/v1/import", null);
        route(routes, HandlerType.POST, "/v1/sales-activity", this::salesActivity);
        route(routes, HandlerType.OPTIONS, "/v1/sales-activity", this::preflight);
        route(routes, HandlerType.GET, "/metrics", ctx -> ctx.contentType(CollectorMetrics.CONTENT_TYPE).result(metrics.scrape()));
        route(routes, HandlerType.GET, "/health", ctx -> json(ctx, 200, RequestBody.MAPPER.createObjectNode().put("status", "ok")));
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new CollectorException(e.getStatus(),
                e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(), null, e.getMessage(), 0)));
    }

    private void tracking(RoutesConfig routes, Call call, String path, String shortPath) {
        Handler handler = ctx -> segment(ctx, call);
        route(routes, HandlerType.POST, path, handler);
        route(routes, HandlerType.OPTIONS, path, this::preflight);
        if (shortPath != null) {
            route(routes, HandlerType.POST, shortPath, handler);
            route(routes, HandlerType.OPTIONS, shortPath, this::preflight);
        }
    }

    private void route(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        routes.addHttpHandler(method, path, ctx -> {
            long start = System.nanoTime();
            cors(ctx);
            try {
                handler.handle(ctx);
            } catch (CollectorException e) {
                error(ctx, e);
            } catch (Exception e) {
                LOG.error("{} {} failed", method, path, e);
                error(ctx, new CollectorException(500, "internal", null, "internal error", 0));
            } finally {
                if (method != HandlerType.OPTIONS) {
                    metrics.request(path, ctx.statusCode(), System.nanoTime() - start);
                }
            }
        });
    }

    // --- Segment ---------------------------------------------------------------------------------------

    private void segment(Context ctx, Call call) {
        Instant receivedAt = Instant.now();
        boolean batch = call == null;
        int limit = batch ? MAX_BATCH_BYTES : MAX_EVENT_BYTES;
        JsonNode body = RequestBody.read(ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"),
                ctx.bodyInputStream(), limit, batch ? "of a batch" : "of one event");
        if (!body.isObject()) {
            throw CollectorException.malformed("request body must be a JSON object");
        }
        WriteKeys.Source source = authenticate(ctx, Optional.ofNullable(body.get("writeKey")), WriteKeys.Kind.TRACKING);
        List<Item> items = batch ? batchItems((ObjectNode) body) : List.of(new Item(call, body, ""));
        throttle(source, items.size());
        List<Outgoing> records = new ArrayList<>(items.size());
        List<String> kinds = new ArrayList<>(items.size());
        JsonNode batchSentAt = batch ? body.get("sentAt") : null;
        for (Item item : items) {
            Optional<Outgoing> record = segment.map(item.call, item.event, item.path, receivedAt, batchSentAt, source.name());
            record.ifPresent(records::add);
            kinds.add(record.map(Outgoing::kind).orElse(item.call.type()));
        }
        writer.write(records);
        kinds.forEach(kind -> metrics.event(kind, source.name()));
        json(ctx, 200, RequestBody.MAPPER.createObjectNode().put("success", true));
    }

    private record Item(Call call, JsonNode event, String path) {
    }

    /**
     * The items of a batch, each with the batch's {@code context} and {@code integrations} merged in
     * (the item's own values win, key by key at every depth).
     */
    private static List<Item> batchItems(ObjectNode body) {
        JsonNode array = body.get("batch");
        if (array == null || array.isNull()) {
            throw CollectorException.missing("batch");
        }
        if (!array.isArray()) {
            throw CollectorException.invalid("batch", "must be an array of events");
        }
        if (array.isEmpty()) {
            throw CollectorException.invalid("batch", "must hold at least one event");
        }
        if (array.size() > MAX_BATCH_EVENTS) {
            throw CollectorException.tooLarge("too_many_events", "batch",
                    "a batch holds at most " + MAX_BATCH_EVENTS + " events, this one " + array.size());
        }
        JsonNode context = body.get("context");
        JsonNode integrations = body.get("integrations");
        List<Item> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String path = "batch[" + i + "].";
            JsonNode event = array.get(i);
            if (!event.isObject()) {
                throw CollectorException.invalid("batch[" + i + "]", "must be an object");
            }
            if (bytes(event) > MAX_EVENT_BYTES) {
                throw CollectorException.tooLarge("event_too_large", "batch[" + i + "]",
                        "batch[" + i + "] is larger than " + MAX_EVENT_BYTES / 1024 + " KB, the limit of one event");
            }
            String type = event.path("type").asText("");
            if (type.isBlank()) {
                throw CollectorException.missing(path + "type");
            }
            Call call = Call.of(type).orElseThrow(() -> CollectorException.invalid(path + "type",
                    "must be identify, track, page, screen, alias or group"));
            ObjectNode merged = (ObjectNode) event;
            if (isObject(context) || isObject(integrations)) {
                merged = merged.deepCopy();
                mergeInto(merged, "context", context);
                mergeInto(merged, "integrations", integrations);
            }
            items.add(new Item(call, merged, path));
        }
        return items;
    }

    private static void mergeInto(ObjectNode event, String field, JsonNode batchValue) {
        if (!isObject(batchValue)) {
            return;
        }
        JsonNode own = event.get(field);
        if (own == null || own.isNull()) {
            event.set(field, batchValue.deepCopy());
        } else if (own.isObject()) {
            deepMerge((ObjectNode) own, batchValue);
        }
    }

    /** Adds to {@code target} what {@code defaults} has and it has not, at every depth. */
    private static void deepMerge(ObjectNode target, JsonNode defaults) {
        for (Map.Entry<String, JsonNode> e : defaults.properties()) {
            JsonNode own = target.get(e.getKey());
            if (own == null || own.isNull()) {
                target.set(e.getKey(), e.getValue().deepCopy());
            } else if (own.isObject() && e.getValue().isObject()) {
                deepMerge((ObjectNode) own, e.getValue());
            }
        }
    }

    private static boolean isObject(JsonNode node) {
        return node != null && node.isObject();
    }

    private static int bytes(JsonNode node) {
        try {
            return RequestBody.MAPPER.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- CRM webhook -----------------------------------------------------------------------------------

    private void salesActivity(Context ctx) {
        Instant receivedAt = Instant.now();
        WriteKeys.Source source = authenticate(ctx, Optional.empty(), WriteKeys.Kind.CRM);
        JsonNode body = RequestBody.read(ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"),
                ctx.bodyInputStream(), MAX_BATCH_BYTES, "of a request");
        List<SalesActivities.Item> items = SalesActivities.items(body, MAX_BATCH_EVENTS);
        throttle(source, items.size());
        List<Outgoing> records = new ArrayList<>(items.size());
        for (SalesActivities.Item item : items) {
            records.add(sales.map(item, receivedAt));
        }
        writer.write(records);
        records.forEach(r -> metrics.event(r.kind(), source.name()));
        json(ctx, 200, RequestBody.MAPPER.createObjectNode().put("success", true).put("accepted", records.size()));
    }

    // --- keys, rates, CORS -----------------------------------------------------------------------------

    /**
     * The write key: the user of HTTP Basic auth (Segment's libraries send {@code key:} with an empty
     * password), a bearer token (CRM webhooks), or the body's {@code writeKey} (analytics.js).
     */
    private WriteKeys.Source authenticate(Context ctx, Optional<JsonNode> bodyKey, WriteKeys.Kind kind) {
        String key = null;
        String header = ctx.header("Authorization");
        if (header != null) {
            String h = header.strip();
            if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    key = colon < 0 ? decoded : decoded.substring(0, colon);
                } catch (IllegalArgumentException e) {
                    throw CollectorException.unauthorized("the Authorization header is not valid Basic auth");
                }
            } else if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = h.substring(7).strip();
            }
        }
        if ((key == null || key.isEmpty()) && bodyKey.isPresent() && bodyKey.get().isTextual()) {
            key = bodyKey.get().asText();
        }
        if (key == null || key.isEmpty()) {
            throw CollectorException.unauthorized("a write key is required: HTTP Basic auth with the key as user"
                    + (kind == WriteKeys.Kind.TRACKING ? ", or writeKey in the body" : ", or Authorization: Bearer <key>"));
        }
        WriteKeys.Source source = keys.find(key)
                .orElseThrow(() -> CollectorException.unauthorized("unknown write key"));
        if (source.kind() != kind) {
            throw CollectorException.forbidden("the write key of " + source.name() + " is a "
                    + source.kind().name().toLowerCase() + " key; this endpoint takes "
                    + kind.name().toLowerCase() + " keys");
        }
        return source;
    }

    private static void throttle(WriteKeys.Source source, int events) {
        long wait = source.acquire(events);
        if (wait > 0) {
            throw CollectorException.rateLimited(wait);
        }
    }

    private void preflight(Context ctx) {
        String requested = ctx.header("Access-Control-Request-Headers");
        if (ctx.res().getHeader("Access-Control-Allow-Origin") != null) {
            ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", requested != null && !requested.isBlank()
                    ? requested : "Authorization, Content-Type, Content-Encoding");
            ctx.header("Access-Control-Max-Age", "86400");
        }
        ctx.status(204);
    }

    /** Browsers may call the API from the allowed origins; other origins get no CORS headers. */
    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        if (allowedOrigins.contains("*")) {
            ctx.header("Access-Control-Allow-Origin", "*");
        } else if (allowedOrigins.contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
    }

    // --- answers ---------------------------------------------------------------------------------------

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(JSON).result(RequestBody.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }

    private void error(Context ctx, CollectorException e) {
        metrics.rejected(e.code());
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Basic realm=\"leadflow-collector\"");
        }
        if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        ObjectNode body = RequestBody.MAPPER.createObjectNode().put("error", e.code());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        body.put("message", e.getMessage());
        json(ctx, e.status(), body);
    }
}
