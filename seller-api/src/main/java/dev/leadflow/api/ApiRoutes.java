package dev.leadflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseHandler;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The HTTP API of DESIGN.md ("Seller API"). Every handler is wrapped once: errors become
 * {@code {"error", "message"}} with their status, and each request is timed by its route template.
 */
final class ApiRoutes {

    static final String JSON = "application/json";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Authenticator auth;
    private final HandoffService service;
    private final LiveFeeds feeds;
    private final ApiMetrics metrics;
    private final int bodyLimit;

    ApiRoutes(Authenticator auth, HandoffService service, LiveFeeds feeds, ApiMetrics metrics, int bodyLimit) {
        this.auth = auth;
        this.service = service;
        this.feeds = feeds;
        this.metrics = metrics;
        this.bodyLimit = bodyLimit;
    }

    void register(RoutesConfig routes) {
        route(routes, HandlerType.GET, "/health", ctx -> json(ctx, 200, MAPPER.createObjectNode().put("status", "ok")));
        route(routes, HandlerType.GET, "/metrics", this::metrics);
        route(routes, HandlerType.GET, "/api/v1/me", this::me);
        route(routes, HandlerType.GET, "/api/v1/reject-reasons", this::rejectReasons);
        route(routes, HandlerType.GET, "/api/v1/queues", ctx -> json(ctx, 200, array(service.queues(user(ctx)))));
        route(routes, HandlerType.GET, "/api/v1/queues/{queue}/leads", ctx -> json(ctx, 200,
                array(service.ready(user(ctx), ctx.pathParam("queue"), limit(ctx)))));
        route(routes, HandlerType.GET, "/api/v1/queues/{queue}/leads/{leadId}", ctx -> json(ctx, 200,
                service.lead(user(ctx), ctx.pathParam("queue"), ctx.pathParam("leadId"))));
        route(routes, HandlerType.POST, "/api/v1/queues/{queue}/claim", this::claim);
        route(routes, HandlerType.POST, "/api/v1/leads/{leadId}/accept", ctx -> json(ctx, 200,
                service.accept(user(ctx), ctx.pathParam("leadId"), body(ctx))));
        route(routes, HandlerType.POST, "/api/v1/leads/{leadId}/reject", ctx -> json(ctx, 200,
                service.reject(user(ctx), ctx.pathParam("leadId"), body(ctx))));
        route(routes, HandlerType.POST, "/api/v1/leads/{leadId}/release", ctx -> json(ctx, 200,
                service.release(user(ctx), ctx.pathParam("leadId"), body(ctx))));
        route(routes, HandlerType.GET, "/api/v1/queues/{queue}/events", this::events);
        route(routes, HandlerType.POST, "/api/v1/stream-tickets", this::streamTicket);
        // assignment mode (docs/speed-to-lead.md)
        route(routes, HandlerType.POST, "/api/v1/queues/{queue}/availability", ctx -> json(ctx, 200,
                service.availability(user(ctx), ctx.pathParam("queue"), body(ctx))));
        route(routes, HandlerType.GET, "/api/v1/queues/{queue}/offer", ctx -> service.offer(user(ctx),
                ctx.pathParam("queue")).ifPresentOrElse(offer -> json(ctx, 200, offer), () -> ctx.status(204)));
        route(routes, HandlerType.POST, "/api/v1/leads/{leadId}/take", ctx -> json(ctx, 200,
                service.take(user(ctx), ctx.pathParam("leadId"), body(ctx))));
        // Javalin's own answers (no such route, wrong method) in our error shape too
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiException(e.getStatus(),
                e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(), e.getMessage())));
    }

    private void route(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        routes.addHttpHandler(method, path, ctx -> {
            long start = System.nanoTime();
            ctx.header("Cache-Control", "no-store");
            try {
                handler.handle(ctx);
            } catch (ApiException e) {
                error(ctx, e);
            } catch (JedisException e) {
                LOG.warn("{} {}: Redis unavailable: {}", method, path, e.toString());
                error(ctx, ApiException.unavailable("the queue store is unavailable: try again"));
            } catch (Exception e) {
                LOG.error("{} {} failed", method, path, e);
                error(ctx, new ApiException(500, "internal", "internal error"));
            } finally {
                metrics.request(path, method.name(), ctx.statusCode(), System.nanoTime() - start);
            }
        });
    }

    private void metrics(Context ctx) {
        if (user(ctx).role() != Role.OPS) {
            throw ApiException.forbidden("metrics are for ops users");
        }
        ctx.contentType(ApiMetrics.CONTENT_TYPE).result(metrics.scrape());
    }

    private void me(Context ctx) {
        User user = user(ctx);
        ObjectNode me = MAPPER.createObjectNode().put("id", user.id()).put("name", user.name())
                .put("role", user.role().id());
        user.queues().forEach(me.putArray("queues")::add);
        json(ctx, 200, me);
    }

    private void rejectReasons(Context ctx) {
        user(ctx);
        ArrayNode reasons = MAPPER.createArrayNode();
        Arrays.stream(RejectReason.values()).forEach(r -> reasons.addObject().put("code", r.code())
                .put("label", r.label()).put("requiresNote", r.requiresNote()));
        json(ctx, 200, reasons);
    }

    private void claim(Context ctx) {
        service.claim(user(ctx), ctx.pathParam("queue")).ifPresentOrElse(
                claim -> json(ctx, 200, claim),
                () -> ctx.status(204));
    }

    private void streamTicket(Context ctx) {
        StreamTickets.Ticket t = auth.issueTicket(auth.bearer(ctx));
        json(ctx, 200, MAPPER.createObjectNode().put("ticket", t.ticket())
                .put("expiresAt", java.time.Instant.ofEpochMilli(t.expiresAt()).toString()));
    }

    private void events(Context ctx) throws Exception {
        Authenticator.Credential credential = auth.stream(ctx);
        String queue = service.visibleQueue(credential.user(), ctx.pathParam("queue"));
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new ApiException(406, "not_acceptable", "this route streams events: send Accept: text/event-stream");
        }
        // a browser resumes with the header; a page that opened a new stream (a new ticket) with ?lastEventId=
        String lastEventId = ctx.header("Last-Event-ID") != null ? ctx.header("Last-Event-ID") : ctx.queryParam("lastEventId");
        if (lastEventId != null && !StreamIds.isValid(lastEventId)) {
            throw ApiException.malformed("Last-Event-ID must be an id of an event from this stream");
        }
        Subscriber subscriber = feeds.subscribe(queue, lastEventId);
        subscriber.owner = credential;
        // no timeout: the stream lasts until the client leaves or the service stops
        new SseHandler(0, client -> feeds.start(subscriber, client, lastEventId)).handle(ctx);
    }

    private User user(Context ctx) {
        return auth.require(ctx);
    }

    private JsonBody body(Context ctx) {
        return JsonBody.read(ctx.req().getContentLengthLong(), ctx.bodyInputStream(), bodyLimit);
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", was \"" + text + "\"");
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode array = MAPPER.createArrayNode();
        items.forEach(array::add);
        return array;
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(JSON).result(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }

    static void error(Context ctx, ApiException e) {
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"leadflow\"");
        }
        json(ctx, e.status(), MAPPER.createObjectNode().put("error", e.code()).put("message", e.getMessage()));
    }
}
