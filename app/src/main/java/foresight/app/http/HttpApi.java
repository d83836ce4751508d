package foresight.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import foresight.app.http.auth.Access;
import foresight.app.http.auth.WebAuth;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallFilter;
import foresight.db.call.CallRepository;
import foresight.db.transcript.TranscriptRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP side: {@code /health} and {@code /metrics} open (for load balancers and Prometheus), everything under
 * {@code /api} behind a bearer token whose user has a role allowed for it (the route's roles, checked by the one
 * {@link WebAuth} filter); each API access is audited. Pages' CSS and scripts are static files ({@code /static},
 * htmx from {@code /webjars}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Access[] CALL_READERS = {Access.ADMIN, Access.SUPERVISOR, Access.QA};
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CallRepository calls;
    private final TranscriptRepository transcripts;
    private final QaPages qa;
    private final Templates templates = new Templates();
    private final WebAuth auth;
    private final UserRepository users;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<Map<String, Object>> health;
    private final Supplier<Object> retrain;
    private Javalin app;

    /** Pauses or resumes a live call's recording; false if the call is not live on this node. */
    public interface RecordingControl {
        boolean pause(String callId, boolean pause, String by);
    }

    private RecordingControl recordingControl = (id, pause, by) -> false;
    private Supplier<Object> predictorStatus = () -> Map.of("model", "none");

    /** What {@code GET /api/predictor} shows: the live issue-prediction model. */
    public HttpApi predictorStatus(Supplier<Object> status) {
        this.predictorStatus = status;
        return this;
    }
    private ContactPages contact;

    /** Where recordings are read from for listening and download (default: local files). */
    public HttpApi recordingStorage(foresight.recording.storage.RecordingStorage storage) {
        qa.storage = storage;
        return this;
    }

    /** Adds the queue API, event stream, agent page and wallboard. */
    public HttpApi contactCenter(ContactPages pages) {
        this.contact = pages;
        pages.web(templates, auth);
        return this;
    }

    /** Where pause/resume requests go (the flow runner). */
    /** The history of live operator-file versions, for /flows/versions and rollback. */
    public HttpApi flowVersions(foresight.app.flows.FlowVersions versions) {
        this.flowVersions = versions;
        return this;
    }

    private foresight.app.flows.FlowVersions flowVersions;
    private java.util.function.Supplier<foresight.flows.model.FlowSet> liveFlows;
    private foresight.db.call.FlowTrafficRepository flowTraffic;
    private String entryFlow;

    /** Adds the operators' flow page ({@code /flows}): the live flows drawn with each day's traffic, versions and rollback. */
    public HttpApi flowPage(java.util.function.Supplier<foresight.flows.model.FlowSet> flows, foresight.db.call.FlowTrafficRepository traffic, String entryFlow) {
        this.liveFlows = flows;
        this.flowTraffic = traffic;
        this.entryFlow = entryFlow;
        return this;
    }

    /** Every version of the operator files that went live, newest first, with its diff (operator or admin). */
    private void flowVersions(Context ctx) throws Exception {
        if (flowVersions == null) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
            ctx.json(Map.of("error", "versions are not kept by this server"));
            return;
        }
        int limit = Math.clamp(ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50), 1, 500);
        var out = flowVersions.list(limit).stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", v.id());
            m.put("version", v.version());
            m.put("liveAt", v.liveAt().toString());
            m.put("source", v.source());
            m.put("diff", v.diff());
            return m;
        }).toList();
        ctx.json(Map.of("versions", out));
    }

    /** Makes an earlier version live again (admin): its files are written back into the operator folder and hot reload does the rest. */
    private void rollback(Context ctx) throws Exception {
        WebAuth.Principal user = WebAuth.principal(ctx);
        String version = ctx.pathParam("version");
        users.audit(user.username(), "flow_rollback", version);
        if (flowVersions == null) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
            ctx.json(Map.of("error", "versions are not kept by this server"));
            return;
        }
        try {
            var v = flowVersions.rollback(version, user.username());
            ctx.json(Map.of("rolledBackTo", v.version(), "firstLive", v.liveAt().toString()));
        } catch (foresight.app.flows.FlowVersions.UnknownVersionException e) {
            ctx.status(HttpStatus.NOT_FOUND);
            ctx.json(Map.of("error", e.getMessage()));
        }
    }

    private foresight.app.digest.DigestPages digest;

    /** Adds the daily digest: {@code /digest} (HTML) and {@code /api/digest} (JSON), for supervisors and admins. */
    public HttpApi digest(foresight.app.digest.DigestPages pages) {
        this.digest = pages;
        return this;
    }

    public HttpApi recordingControl(RecordingControl control) {
        this.recordingControl = control;
        return this;
    }

    public HttpApi(CallRepository calls, TranscriptRepository transcripts, UserRepository users, PrometheusMeterRegistry metrics,
                   Supplier<Map<String, Object>> health, Supplier<Object> retrain) {
        this.transcripts = transcripts;
        this.auth = WebAuth.standard(users, java.time.Clock.systemUTC(), (ctx, title, message) -> templates.message(ctx, "", title, message));
        this.qa = new QaPages(calls, transcripts, users, templates, auth);
        this.retrain = retrain;
        this.calls = calls;
        this.users = users;
        this.metrics = metrics;
        this.health = health;
    }

    public HttpApi start(String host, int port) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.staticFiles.enableWebjars();
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/static";
                sf.location = Location.CLASSPATH;
            });
            cfg.routes.beforeMatched(auth::filter);
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            cfg.routes.get("/schemas/{file}", this::schema);
            cfg.routes.get("/api/calls", this::searchCalls, CALL_READERS);
            cfg.routes.get("/api/calls/{id}", this::getCall, CALL_READERS);
            cfg.routes.post("/api/predictor/retrain", this::retrainPredictor, Access.ADMIN, Access.SUPERVISOR);
            cfg.routes.get("/api/predictor", this::predictor, CALL_READERS);
            cfg.routes.get("/flows/versions", this::flowVersions, Access.ADMIN, Access.OPERATOR);
            cfg.routes.post("/api/flows/rollback/{version}", this::rollback, Access.ADMIN);
            cfg.routes.post("/api/users/{username}", this::userToken, Access.ADMIN);
            cfg.routes.get("/api/calls/{id}/recording", ctx -> qa.audio(ctx, "download"), QaPages.LISTENERS);
            cfg.routes.post("/api/calls/{id}/recording/pause", ctx -> pauseRecording(ctx, true), Access.ADMIN, Access.SUPERVISOR, Access.AGENT);
            cfg.routes.post("/api/calls/{id}/recording/resume", ctx -> pauseRecording(ctx, false), Access.ADMIN, Access.SUPERVISOR, Access.AGENT);
            qa.register(cfg.routes);
            if (contact != null) contact.register(cfg.routes);
            if (liveFlows != null) {
                new FlowPages(liveFlows, flowTraffic, flowVersions, users, templates, auth, java.time.Clock.systemUTC(), entryFlow).register(cfg.routes);
            }
            if (digest != null) {
                cfg.routes.get("/digest", digest::page, Access.ADMIN, Access.SUPERVISOR);
                cfg.routes.get("/api/digest", digest::json, Access.ADMIN, Access.SUPERVISOR);
            }
            cfg.routes.get("/", ctx -> ctx.redirect("/qa"));
        }).start(host, port);
        return this;
    }

    public int port() { return app.port(); }

    /** The operator files' JSON Schemas ({@code /schemas/flow.json}, ...): public, no token, so editors can fetch them. */
    private void schema(Context ctx) {
        String file = ctx.pathParam("file");
        String json = file.endsWith(".json") ? foresight.flows.load.OperatorSchemas.json(file.substring(0, file.length() - 5)) : null;
        if (json == null) {
            ctx.status(HttpStatus.NOT_FOUND).contentType("application/json")
                    .result("{\"error\":\"no schema " + file.replaceAll("[^A-Za-z0-9._-]", "") + "; schemas are "
                            + String.join(", ", foresight.flows.load.OperatorSchemas.names().stream().map(n -> n + ".json").toList()) + "\"}");
            return;
        }
        ctx.contentType("application/schema+json; charset=utf-8").result(json);
    }

    /** Creates a user with {@code ?role=}, or gives an existing one that role and a new token; answers the token once (admin). */
    private void userToken(Context ctx) {
        WebAuth.Principal admin = WebAuth.principal(ctx);
        String username = ctx.pathParam("username");
        String role = ctx.queryParam("role");
        if (!username.matches("[A-Za-z0-9._-]{1,64}") || role == null || Access.of(role).isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST);
            ctx.json(Map.of("error", "need a user name of 1-64 letters, digits, . _ - and ?role= one of "
                    + String.join(", ", java.util.Arrays.stream(Access.values()).map(a -> a.name().toLowerCase(java.util.Locale.ROOT)).toList())));
            return;
        }
        String r = role.toLowerCase(java.util.Locale.ROOT);
        String token = foresight.app.demo.DemoData.newToken();
        users.upsert(username, r, token);
        users.audit(admin.username(), "user_token", username + " as " + r);
        ctx.json(Map.of("username", username, "role", r, "token", token));
    }

    /** The session store and login guard (tests look at them). */
    public WebAuth auth() { return auth; }

    private void health(Context ctx) throws Exception {
        Map<String, Object> h = health.get();
        boolean up = h.values().stream().noneMatch(v -> Boolean.FALSE.equals(v));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.putAll(h);
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
        ctx.json(body);
    }

    private void searchCalls(Context ctx) throws Exception {
        WebAuth.Principal user = WebAuth.principal(ctx);
        String q = ctx.queryParam("q");
        int limit;
        CallFilter filter;
        try {
            limit = Math.min(200, Math.max(1, intParam(ctx, "limit", 50)));
            filter = new CallFilter(instantParam(ctx, "from"), instantParam(ctx, "to"), blank(ctx.queryParam("queue")), blank(ctx.queryParam("agent")),
                    blank(ctx.queryParam("reason")), blank(ctx.queryParam("category")), intParam(ctx, "minDuration", null),
                    intParam(ctx, "maxDuration", null), intParam(ctx, "minScore", null), intParam(ctx, "maxScore", null),
                    "true".equalsIgnoreCase(ctx.queryParam("sampled")));
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            ctx.json(Map.of("error", e.getMessage()));
            return;
        }
        users.audit(user.username(), "search_calls", (q == null ? "" : q) + (filter.equals(CallFilter.NONE) ? "" : " " + filter));
        ctx.json(Map.of("calls", calls.search(q, filter, limit)));
    }

    private static String blank(String s) { return s == null || s.isBlank() ? null : s; }

    private static Integer intParam(Context ctx, String name, Integer dflt) {
        String v = blank(ctx.queryParam(name));
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
        }
    }

    private static java.time.Instant instantParam(Context ctx, String name) {
        String v = blank(ctx.queryParam(name));
        if (v == null) return null;
        try {
            return v.length() == 10 ? java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : java.time.Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date (2026-11-25) or an ISO-8601 instant (2026-11-25T10:00:00Z), was '" + v + "'");
        }
    }

    /** One call with its timeline, its dialogue (segments by channel, with times) and its QA hits. */
    private void getCall(Context ctx) throws Exception {
        WebAuth.Principal user = WebAuth.principal(ctx);
        String id = ctx.pathParam("id");
        users.audit(user.username(), "view_call", id);
        var call = calls.find(id);
        if (call.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND);
            ctx.json(Map.of("error", "no call " + id));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("call", call.get());
        body.put("events", calls.eventTypes(id));
        body.put("transcript", transcripts.segments(id));
        body.put("qaHits", transcripts.qaHits(id));
        ctx.json(body);
    }

    private void retrainPredictor(Context ctx) throws Exception {
        WebAuth.Principal user = WebAuth.principal(ctx);
        users.audit(user.username(), "retrain_predictor", "");
        ctx.json(retrain.get());
    }

    private void predictor(Context ctx) throws Exception {
        ctx.json(predictorStatus.get());
    }

    /** Card capture: an agent (or supervisor) pauses the recording while the caller reads out card details. */
    private void pauseRecording(Context ctx, boolean pause) throws Exception {
        WebAuth.Principal user = WebAuth.principal(ctx);
        String id = ctx.pathParam("id");
        users.audit(user.username(), pause ? "recording_pause" : "recording_resume", id);
        if (!recordingControl.pause(id, pause, user.username())) {
            ctx.status(HttpStatus.NOT_FOUND);
            ctx.json(Map.of("error", "no live call " + id + " on this node"));
            return;
        }
        ctx.json(Map.of("call", id, "recording", pause ? "paused" : "recording"));
    }

    @Override
    public void close() {
        if (contact != null) contact.closeStreams();
        if (app != null) app.stop();
    }
}
