package foresight.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import foresight.acd.Acd;
import foresight.acd.AcdEvent;
import foresight.app.contact.AlertMonitor;
import foresight.app.contact.EventHub;
import foresight.app.forecast.ArrivalForecast;
import foresight.app.forecast.ErlangC;
import foresight.app.http.auth.Access;
import foresight.app.http.auth.WebAuth;
import foresight.app.http.view.ForecastRow;
import foresight.app.http.view.ScreenPop;
import foresight.db.acd.AcdRepository;
import foresight.db.agent.AgentRepository;
import foresight.db.audit.User;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallEvent;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.customer.Customer;
import foresight.db.customer.CustomerRepository;
import foresight.db.transcript.TranscriptRepository;
import foresight.flows.model.Answer;
import foresight.flows.model.FlowSet;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The contact-center side of the HTTP server: the queue-state API and event stream for wallboards and CRMs, the
 * agent page (state switch, screen-pop with the customer, the predicted reason, what they said in the IVR and
 * suggested answers, wrap-up form) and the supervisor's wallboard (queues, agents, alerts, forecast). Pages are
 * jte templates ({@code agent/*.jte}, {@code wallboard/*.jte}) rendered on the server; their live part is an htmx
 * fragment fetched again on each server-sent event (and every 2 s on the wallboard).
 *
 * <p>Agents log in to their page with their softphone's SIP username and password; supervisors with their API
 * token (the same server-side session as the QA pages, see {@link WebAuth}). Every login, state change and
 * wrap-up is audited.
 */
public final class ContactPages {
    private static final Logger log = LoggerFactory.getLogger(ContactPages.class);
    static final Access[] SUPERVISORS = {Access.SUPERVISOR, Access.ADMIN};
    private static final List<String> DISPOSITIONS = List.of("resolved", "follow_up", "escalated", "transferred", "no_resolution", "wrong_number");
    private static final List<String> NOT_READY_REASONS = List.of("break", "lunch", "training", "meeting", "admin");
    private static final List<String> EVENT_TYPES = List.of("enqueue", "offer", "offer_failed", "answer", "abandon", "dequeue", "agent_state",
            "callback", "alert_raised", "alert_cleared");
    /** htmx triggers: the live fragment is fetched again on each of these stream events. */
    private static final String SSE_TRIGGERS = String.join(", ", EVENT_TYPES.stream().map(t -> "sse:" + t).toList());

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Acd acd;
    private final EventHub events;
    private final AlertMonitor alerts;
    private final AgentRepository agents;
    private final CustomerRepository customers;
    private final CallRepository calls;
    private final TranscriptRepository transcripts;
    private final UserRepository users;
    private final AcdRepository acdStore;
    private final Supplier<FlowSet> flows;
    private final Clock clock;
    private final EventStreams streams;
    private Templates templates; // set once by HttpApi before the server starts
    private WebAuth auth;
    private volatile Forecast forecast;

    /** Starts a monitoring leg on a live call; false if the call is not live on this node. */
    public interface MonitorControl {
        boolean monitor(String callId, List<String> contacts, foresight.call.MonitorMode mode, String by);
    }

    private volatile MonitorControl monitorControl = (id, c, m, by) -> false;

    public ContactPages monitorControl(MonitorControl control) {
        this.monitorControl = control;
        return this;
    }

    public ContactPages(Acd acd, EventHub events, AlertMonitor alerts, AgentRepository agents, CustomerRepository customers, CallRepository calls,
                        TranscriptRepository transcripts, UserRepository users, AcdRepository acdStore, Supplier<FlowSet> flows, Clock clock, String operatorDir) {
        this.acd = acd;
        this.events = events;
        this.alerts = alerts;
        this.agents = agents;
        this.customers = customers;
        this.calls = calls;
        this.transcripts = transcripts;
        this.users = users;
        this.acdStore = acdStore;
        this.flows = flows;
        this.clock = clock;
        this.streams = new EventStreams(events, json);
    }

    /** Ends every open event stream (server shutdown). */
    void closeStreams() { streams.closeAll(); }

    /** An ACD decision as a stream event: its type, time and fields flattened. */
    public static EventHub.Event event(AcdEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type());
        m.put("at", e.at().toString());
        if (e.queue() != null) m.put("queue", e.queue());
        if (e.callId() != null) m.put("callId", e.callId());
        if (e.agent() != null) m.put("agent", e.agent());
        e.detail().forEach((k, v) -> { if (!k.equals("number")) m.put(k, v); }); // callers' numbers stay off the stream
        return new EventHub.Event(e.type(), e.at().toEpochMilli(), m);
    }

    /** The renderer and the auth filter the pages share with the rest of the HTTP server. */
    void web(Templates templates, WebAuth auth) {
        this.templates = templates;
        this.auth = auth;
    }

    void register(io.javalin.config.RoutesConfig routes) {
        routes.get("/api/queues", this::queuesApi, SUPERVISORS);
        routes.get("/api/events", ctx -> streams.stream(ctx, e -> true), SUPERVISORS);
        routes.post("/api/agents/{username}/state", this::agentStateApi, SUPERVISORS);
        routes.post("/api/calls/{id}/monitor", this::monitorApi, SUPERVISORS);

        routes.get("/agent/login", ctx -> templates.render(ctx, "agent/login.jte", "error", null));
        routes.post("/agent/login", this::agentLogin);
        routes.post("/agent/signout", ctx -> {
            auth.logout(ctx);
            ctx.redirect("/agent/login");
        }, Access.ANY);
        routes.get("/agent", this::agentPage, Access.AGENT);
        routes.get("/agent/panel", ctx -> ctx.html(templates.render("agent/panel.jte", agentPanel(WebAuth.principal(ctx)))), Access.AGENT);
        routes.post("/agent/state", this::agentState, Access.AGENT);
        routes.post("/agent/wrapup", this::wrapUp, Access.AGENT);
        routes.get("/agent/events", ctx -> {
            String me = WebAuth.principal(ctx).username();
            streams.stream(ctx, e -> me.equals(e.data().get("agent")));
        }, Access.AGENT);

        routes.get("/wallboard/login", ctx -> templates.render(ctx, "wallboard/login.jte", "error", null));
        routes.post("/wallboard/login", this::wallboardLogin);
        routes.get("/wallboard", this::wallboard, SUPERVISORS);
        routes.get("/wallboard/panel", ctx -> ctx.html(templates.render("wallboard/panel.jte", wallboardPanel())), SUPERVISORS);
        routes.get("/wallboard/events", ctx -> streams.stream(ctx, e -> true), SUPERVISORS);
    }

    // ---- API --------------------------------------------------------------------------------------------------

    private void queuesApi(Context ctx) {
        Acd.Snapshot snap = acd.snapshot();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", snap.at());
        List<Map<String, Object>> queues = new ArrayList<>();
        for (Acd.QueueView q : snap.queues()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", q.name());
            m.put("strategy", q.definition().strategy().yamlName());
            m.put("skills", q.definition().skills());
            m.put("waiting", q.waiting());
            m.put("agents", q.agents());
            m.put("lastHour", q.lastHour());
            m.put("estimatedWaitSeconds", q.estimatedWaitSeconds());
            queues.add(m);
        }
        body.put("queues", queues);
        body.put("agents", snap.agents());
        body.put("alerts", alerts.active());
        body.put("callbacks", acdStore.callbacks(50));
        ctx.json(body);
    }

    /** Supervisors (or admin) set an agent's state: {@code ?state=login|ready|not_ready|logout&reason=...}. */
    private void agentStateApi(Context ctx) {
        WebAuth.Principal u = WebAuth.principal(ctx);
        String who = ctx.pathParam("username");
        String state = ctx.queryParam("state");
        String reason = ctx.queryParam("reason");
        boolean ok = apply(who, state, reason);
        users.audit(u.username(), "agent_state", who + " " + state + (reason == null ? "" : " " + reason));
        if (!ok) {
            ctx.status(HttpStatus.CONFLICT);
            ctx.json(Map.of("error", "cannot set " + who + " to " + state + " now (unknown agent or state, or the agent is on a call); state is " + acd.state(who)));
            return;
        }
        ctx.json(Map.of("agent", who, "state", acd.state(who)));
    }

    /**
     * Silent monitoring: {@code POST /api/calls/{id}/monitor?phone=USER&mode=listen|whisper|barge} rings the
     * registered phones of SIP user USER (a supervisor's softphone account) and lets it hear the call. Audited.
     */
    private void monitorApi(Context ctx) {
        WebAuth.Principal u = WebAuth.principal(ctx);
        String callId = ctx.pathParam("id");
        String phone = ctx.queryParam("phone");
        foresight.call.MonitorMode mode;
        try {
            mode = foresight.call.MonitorMode.valueOf(String.valueOf(ctx.queryParam("mode") == null ? "listen" : ctx.queryParam("mode")).toUpperCase());
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "mode must be listen, whisper or barge"));
            return;
        }
        var account = phone == null ? Optional.<foresight.db.agent.Agent>empty() : agents.findByUsername(phone);
        List<String> contacts = account.map(a -> agents.contacts(a.id(), clock.instant())).orElse(List.of());
        users.audit(u.username(), "monitor_call", callId + " phone=" + phone + " mode=" + mode);
        if (contacts.isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "phone=" + phone + " is not a SIP account with a registered phone"));
            return;
        }
        if (!monitorControl.monitor(callId, contacts, mode, u.username())) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no live call " + callId + " on this node"));
            return;
        }
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("call", callId, "ringing", contacts, "mode", mode));
    }

    private boolean apply(String who, String state, String reason) {
        if (state == null) return false;
        return switch (state) {
            case "login" -> acd.login(who);
            case "logout" -> acd.logout(who);
            case "ready" -> acd.ready(who, true, null);
            case "not_ready" -> acd.ready(who, false, reason == null || reason.isBlank() ? "not_ready" : reason.replaceAll("[^a-z_]", ""));
            default -> false;
        };
    }

    // ---- logins -----------------------------------------------------------------------------------------------

    private void agentLogin(Context ctx) {
        String username = ctx.formParam("username");
        String password = ctx.formParam("password");
        var attempt = auth.login(ctx, username, "agent", () -> username == null || password == null ? Optional.empty()
                : agents.authenticate(username.trim(), password).map(a -> new User(a.id(), a.username(), "agent")));
        switch (attempt) {
            case WebAuth.Attempt.Locked l -> templates.render(ctx, "agent/login.jte", "error", "Too many failed attempts; try again in " + l.retryAfter().toSeconds() + " s.");
            case WebAuth.Attempt.Failed f -> templates.render(ctx, "agent/login.jte", "error", "Wrong username or password.");
            case WebAuth.Attempt.LoggedIn in -> ctx.redirect("/agent");
        }
    }

    private void wallboardLogin(Context ctx) {
        String token = ctx.formParam("token");
        switch (auth.login(ctx, null, "wallboard", () -> users.byToken(token))) {
            case WebAuth.Attempt.Locked l -> templates.render(ctx, "wallboard/login.jte", "error", "Too many failed attempts; try again in " + l.retryAfter().toSeconds() + " s.");
            case WebAuth.Attempt.Failed f -> templates.render(ctx, "wallboard/login.jte", "error", "That token is not valid.");
            case WebAuth.Attempt.LoggedIn in -> {
                if (Access.of(in.session().role()).filter(a -> List.of(SUPERVISORS).contains(a)).isEmpty()) {
                    auth.logout(ctx);
                    users.audit(in.session().username(), "denied", "/wallboard/login");
                    ctx.status(HttpStatus.UNAUTHORIZED);
                    templates.render(ctx, "wallboard/login.jte", "error", "Your role (" + in.session().role() + ") may not see the wallboard.");
                } else {
                    ctx.redirect("/wallboard");
                }
            }
        }
    }

    // ---- the agent page ---------------------------------------------------------------------------------------

    private void agentPage(Context ctx) {
        WebAuth.Principal me = WebAuth.principal(ctx);
        templates.render(ctx, "agent/page.jte", "me", me.username(), "csrf", me.csrf(), "triggers", SSE_TRIGGERS,
                "panel", templates.content("agent/panel.jte", agentPanel(me)));
    }

    /** The agent panel template's parameters: the agent's state and, while a call is in hand, its screen-pop. */
    private Object[] agentPanel(WebAuth.Principal me) {
        Acd.AgentView a = acd.snapshot().agents().stream().filter(v -> v.username().equals(me.username())).findFirst().orElse(null);
        String callId = a == null || a.state() == Acd.AgentState.LOGGED_OUT ? null : a.callId();
        return new Object[] {"a", a, "stateLabel", a == null ? "" : label(a.state()), "notReadyReasons", NOT_READY_REASONS,
                "pop", callId == null ? null : screenPop(callId, a), "csrf", me.csrf()};
    }

    /** Who is calling and why: customer, history, prediction, what they said in the IVR, the path, suggested answers, wrap-up. */
    private ScreenPop screenPop(String callId, Acd.AgentView a) {
        Optional<CallSummary> call = calls.find(callId);
        List<CallEvent> timeline = calls.events(callId);
        boolean callback = false;
        for (CallEvent e : timeline) if (e.type().equals("callback_of") && str(e.detail(), "call") != null) callback = true;
        String heading = a.state() == Acd.AgentState.RINGING ? "Ringing: " : a.state() == Acd.AgentState.ON_CALL ? "On call: " : "Last call: ";
        Customer customer = call.flatMap(c -> c.customerId() == null ? Optional.<Customer>empty() : customers.findById(c.customerId())).orElse(null);
        List<String> said = new ArrayList<>();
        List<String> path = new ArrayList<>();
        for (CallEvent e : timeline) {
            String heard = str(e.detail(), "heard");
            if (heard != null && !heard.isBlank() && (e.type().equals("confirm") || e.type().equals("ask"))) said.add(heard);
            if (e.type().equals("node")) path.add(str(e.detail(), "node"));
        }
        String reason = call.map(c -> c.confirmedReason() != null ? c.confirmedReason() : c.predictedReason()).orElse(null);
        var wrap = calls.wrapUpOf(callId);
        if (wrap.isPresent() && wrap.get().correctedReason() != null) reason = wrap.get().correctedReason();
        var ranked = Answer.rank(flows.get().answers(), reason, String.join(" ", said) + " " + call.map(CallSummary::callerSaid).orElse(""), 3);
        return new ScreenPop(callId, heading, customer, call.orElse(null), callback, customer == null ? List.of() : customers.recentEvents(customer.id(), 5),
                said, path, ranked, a.state() != Acd.AgentState.RINGING, wrap.map(w -> w.disposition()).orElse(null), wrap.map(w -> w.correctedReason()).orElse(null), reason,
                flows.get().reasons().stream().map(r -> r.id()).toList(), DISPOSITIONS);
    }

    private void agentState(Context ctx) {
        String me = WebAuth.principal(ctx).username();
        String action = ctx.formParam("action");
        String reason = ctx.formParam("reason");
        boolean ok = apply(me, action, reason);
        users.audit(me, "agent_state", action + (reason == null || !"not_ready".equals(action) ? "" : " " + reason) + (ok ? "" : " refused"));
        ctx.redirect("/agent");
    }

    private void wrapUp(Context ctx) {
        String me = WebAuth.principal(ctx).username();
        String callId = ctx.formParam("call");
        var call = callId == null ? Optional.<CallSummary>empty() : calls.find(callId);
        if (call.isEmpty() || !me.equals(call.get().agent())) {
            users.audit(me, "denied", "wrapup " + callId);
            ctx.status(HttpStatus.FORBIDDEN);
            templates.message(ctx, "agent", "Not allowed", "That call was not yours.");
            return;
        }
        String disposition = ctx.formParam("disposition");
        if (!DISPOSITIONS.contains(disposition)) disposition = "resolved";
        String reason = ctx.formParam("reason");
        String r = reason;
        if (reason == null || flows.get().reasons().stream().noneMatch(x -> x.id().equals(r))) reason = null;
        String notes = ctx.formParam("notes");
        calls.wrapUp(callId, disposition, reason, notes == null || notes.isBlank() ? null : notes.strip(), clock.instant());
        users.audit(me, "wrap_up", callId + " " + disposition + (reason == null ? "" : " " + reason));
        log.info("call={} event=wrapped_up agent={} disposition={} reason={}", callId, me, disposition, reason == null ? "-" : reason);
        ctx.redirect("/agent");
    }

    // ---- the wallboard ----------------------------------------------------------------------------------------

    private void wallboard(Context ctx) {
        WebAuth.Principal me = WebAuth.principal(ctx);
        users.audit(me.username(), "view", "wallboard");
        templates.render(ctx, "wallboard/page.jte", "csrf", me.csrf(), "triggers", SSE_TRIGGERS, "panel", templates.content("wallboard/panel.jte", wallboardPanel()));
    }

    /** The wallboard panel template's parameters: the ACD snapshot, active alerts, the forecast and the transcription backlog. */
    private Object[] wallboardPanel() {
        Acd.Snapshot snap = acd.snapshot();
        Instant now = clock.instant();
        Forecast f = forecast;
        if (f == null || f.at().isBefore(now.minus(Duration.ofMinutes(5)))) {
            Instant today = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            List<Instant> starts = calls.startsSince(today.minus(Duration.ofDays(56)));
            f = new Forecast(now, ArrivalForecast.learn(starts, today.minus(Duration.ofDays(56)), today), starts.size());
            forecast = f;
        }
        long aht = Math.max(30, snap.queues().stream().mapToLong(q -> q.lastHour().handleSeconds()).max().orElse(180));
        List<ForecastRow> rows = new ArrayList<>();
        Instant slot = Instant.ofEpochSecond(now.getEpochSecond() / 900 * 900);
        for (int i = 0; i < 4; i++) {
            Instant t = slot.plus(ArrivalForecast.INTERVAL.multipliedBy(i));
            double expected = f.model().at(t);
            rows.add(new ForecastRow(String.valueOf(t.atZone(ZoneOffset.UTC).toLocalTime()), expected, expected <= 0 ? 0 : ErlangC.agentsNeeded(expected, 900, aht, 0.8, 20)));
        }
        java.util.function.Function<Acd.AgentState, String> label = ContactPages::label;
        return new Object[] {"snap", snap, "alerts", alerts.active(), "label", label, "forecast", rows, "historyCalls", f.historyCalls(), "handleSeconds", aht,
                "transcriptionBacklog", transcripts.backlog(), "transcriptionLagSeconds", (long) transcripts.lagSeconds()};
    }

    private record Forecast(Instant at, ArrivalForecast model, int historyCalls) {}

    private static String label(Acd.AgentState s) {
        return switch (s) {
            case LOGGED_OUT -> "Logged out";
            case AVAILABLE -> "Available";
            case RINGING -> "Ringing";
            case ON_CALL -> "On call";
            case WRAP_UP -> "Wrap-up";
            case NOT_READY -> "Not ready";
        };
    }

    private String str(String detailJson, String key) {
        try {
            var n = json.readTree(detailJson).get(key);
            return n == null || n.isNull() ? null : n.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
