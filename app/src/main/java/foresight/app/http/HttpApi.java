package foresight.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import foresight.db.audit.User;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTP side: {@code /health} and {@code /metrics} open (for load balancers and Prometheus), everything under
 * {@code /api} behind a bearer token whose user has a role allowed for it; each API access is audited.
 */
public final class HttpApi implements AutoCloseable {
    private static final Set<String> CALL_READERS = Set.of("admin", "supervisor", "qa");
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CallRepository calls;
    private final UserRepository users;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<Map<String, Object>> health;
    private final Supplier<Object> retrain;
    private Javalin app;

    public HttpApi(CallRepository calls, UserRepository users, PrometheusMeterRegistry metrics, Supplier<Map<String, Object>> health, Supplier<Object> retrain) {
        this.retrain = retrain;
        this.calls = calls;
        this.users = users;
        this.metrics = metrics;
        this.health = health;
    }

    public HttpApi start(String host, int port) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            cfg.routes.get("/api/calls", this::searchCalls);
            cfg.routes.get("/api/calls/{id}", this::getCall);
            cfg.routes.post("/api/predictor/retrain", this::retrainPredictor);
        }).start(host, port);
        return this;
    }

    public int port() { return app.port(); }

    private void health(Context ctx) throws Exception {
        Map<String, Object> h = health.get();
        boolean up = h.values().stream().noneMatch(v -> Boolean.FALSE.equals(v));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.putAll(h);
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
        write(ctx, body);
    }

    private void searchCalls(Context ctx) throws Exception {
        Optional<User> user = authorise(ctx, CALL_READERS);
        if (user.isEmpty()) return;
        String q = ctx.queryParam("q");
        int limit;
        try {
            limit = Math.min(200, Math.max(1, Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("50"))));
        } catch (NumberFormatException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            write(ctx, Map.of("error", "limit must be a whole number, was '" + ctx.queryParam("limit") + "'"));
            return;
        }
        users.audit(user.get().username(), "search_calls", q == null ? "" : q);
        write(ctx, Map.of("calls", calls.search(q, limit)));
    }

    private void getCall(Context ctx) throws Exception {
        Optional<User> user = authorise(ctx, CALL_READERS);
        if (user.isEmpty()) return;
        String id = ctx.pathParam("id");
        users.audit(user.get().username(), "view_call", id);
        var call = calls.find(id);
        if (call.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND);
            write(ctx, Map.of("error", "no call " + id));
            return;
        }
        write(ctx, Map.of("call", call.get(), "events", calls.eventTypes(id)));
    }

    private void retrainPredictor(Context ctx) throws Exception {
        Optional<User> user = authorise(ctx, Set.of("admin", "supervisor"));
        if (user.isEmpty()) return;
        users.audit(user.get().username(), "retrain_predictor", "");
        write(ctx, retrain.get());
    }

    /** The user behind the bearer token if their role is allowed; otherwise answers 401/403 and returns empty. */
    private Optional<User> authorise(Context ctx, Set<String> roles) throws Exception {
        String h = ctx.header("Authorization");
        String token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        Optional<User> user = users.byToken(token);
        if (user.isEmpty()) {
            ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer");
            write(ctx, Map.of("error", "a valid token is required (Authorization: Bearer <token>)"));
            return Optional.empty();
        }
        if (!roles.contains(user.get().role())) {
            users.audit(user.get().username(), "denied", ctx.path());
            ctx.status(HttpStatus.FORBIDDEN);
            write(ctx, Map.of("error", "role " + user.get().role() + " may not read calls"));
            return Optional.empty();
        }
        return user;
    }

    private void write(Context ctx, Object body) throws Exception {
        ctx.contentType("application/json").result(json.writeValueAsString(body));
    }

    @Override
    public void close() {
        if (app != null) app.stop();
    }
}
