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
import foresight.db.acd.AcdRepository;
import foresight.db.agent.AgentRepository;
import foresight.db.audit.User;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallEvent;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.customer.CustomerRepository;
import foresight.db.transcript.TranscriptRepository;
import foresight.flows.model.Answer;
import foresight.flows.model.FlowSet;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static foresight.app.http.QaPages.esc;

/**
 * The contact-center side of the HTTP server: the queue-state API and event stream for wallboards and CRMs, the
 * agent page (state switch, screen-pop with the customer, the predicted reason, what they said in the IVR and
 * suggested answers, wrap-up form) and the supervisor's wallboard (queues, agents, alerts, forecast). Pages are
 * rendered on the server and refreshed by server-sent events: no build step, no client framework.
 *
 * <p>Agents log in to their page with their softphone's SIP username and password; supervisors with their API
 * token (the same session as the QA pages). Every login, state change and wrap-up is audited.
 */
public final class ContactPages {
    private static final Logger log = LoggerFactory.getLogger(ContactPages.class);
    static final Set<String> SUPERVISORS = Set.of("supervisor", "admin");
    private static final String AGENT_COOKIE = "foresight_agent";
    private static final String SESSION_COOKIE = "foresight_session";
    private static final List<String> DISPOSITIONS = List.of("resolved", "follow_up", "escalated", "transferred", "no_resolution", "wrong_number");
    private static final List<String> NOT_READY_REASONS = List.of("break", "lunch", "training", "meeting", "admin");
    private static final List<String> EVENT_TYPES = List.of("enqueue", "offer", "offer_failed", "answer", "abandon", "dequeue", "agent_state",
            "callback", "alert_raised", "alert_cleared");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Acd acd;
    private final EventHub events;
    private final AlertMonitor alerts;
    private final AgentRepository agents;
    private final CustomerRepository customers;
    private final CallRepository calls;
    private final UserRepository users;
    private final AcdRepository acdStore;
    private final Supplier<FlowSet> flows;
    private final Clock clock;
    private final Map<String, String> agentSessions = new ConcurrentHashMap<>(); // session id → agent username
    private final SecureRandom random = new SecureRandom();
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
        this.users = users;
        this.acdStore = acdStore;
        this.flows = flows;
        this.clock = clock;
    }

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

    void register(io.javalin.config.RoutesConfig routes) {
        routes.get("/api/queues", this::queuesApi);
        routes.get("/api/events", ctx -> stream(ctx, supervisor(ctx, false), e -> true));
        routes.post("/api/agents/{username}/state", this::agentStateApi);
        routes.post("/api/calls/{id}/monitor", this::monitorApi);

        routes.get("/agent/login", ctx -> QaPages.page(ctx, "Agent log in", agentLoginForm(null)));
        routes.post("/agent/login", this::agentLogin);
        routes.post("/agent/signout", ctx -> {
            String sid = ctx.cookie(AGENT_COOKIE);
            if (sid != null) agentSessions.remove(sid);
            ctx.removeCookie(AGENT_COOKIE, "/");
            ctx.redirect("/agent/login");
        });
        routes.get("/agent", this::agentPage);
        routes.get("/agent/panel", ctx -> {
            Optional<String> me = agent(ctx);
            if (me.isPresent()) ctx.contentType("text/html; charset=utf-8").result(agentPanel(me.get()));
        });
        routes.post("/agent/state", this::agentState);
        routes.post("/agent/wrapup", this::wrapUp);
        routes.get("/agent/events", ctx -> {
            Optional<String> me = agent(ctx);
            if (me.isEmpty()) return;
            stream(ctx, true, e -> me.get().equals(e.data().get("agent")));
        });

        routes.get("/wallboard/login", ctx -> QaPages.page(ctx, "Wallboard log in", wallboardLoginForm(null)));
        routes.post("/wallboard/login", this::wallboardLogin);
        routes.get("/wallboard", this::wallboard);
        routes.get("/wallboard/panel", ctx -> {
            if (supervisor(ctx, true)) ctx.contentType("text/html; charset=utf-8").result(wallboardPanel());
        });
        routes.get("/wallboard/events", ctx -> stream(ctx, supervisor(ctx, true), e -> true));
    }

    // ---- API --------------------------------------------------------------------------------------------------

    private void queuesApi(Context ctx) throws Exception {
        if (!supervisor(ctx, false)) return;
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
        ctx.contentType("application/json").result(json.writeValueAsString(body));
    }

    /** Supervisors (or admin) set an agent's state: {@code ?state=login|ready|not_ready|logout&reason=...}. */
    private void agentStateApi(Context ctx) throws Exception {
        Optional<User> u = user(ctx);
        if (!allowed(ctx, u, false)) return;
        String who = ctx.pathParam("username");
        String state = ctx.queryParam("state");
        String reason = ctx.queryParam("reason");
        boolean ok = apply(who, state, reason);
        users.audit(u.get().username(), "agent_state", who + " " + state + (reason == null ? "" : " " + reason));
        if (!ok) {
            ctx.status(HttpStatus.CONFLICT);
            ctx.contentType("application/json").result(json.writeValueAsString(Map.of("error",
                    "cannot set " + who + " to " + state + " now (unknown agent or state, or the agent is on a call); state is " + acd.state(who))));
            return;
        }
        ctx.contentType("application/json").result(json.writeValueAsString(Map.of("agent", who, "state", acd.state(who))));
    }

    /**
     * Silent monitoring: {@code POST /api/calls/{id}/monitor?phone=USER&mode=listen|whisper|barge} rings the
     * registered phones of SIP user USER (a supervisor's softphone account) and lets it hear the call. Audited.
     */
    private void monitorApi(Context ctx) throws Exception {
        Optional<User> u = user(ctx);
        if (!allowed(ctx, u, false)) return;
        String callId = ctx.pathParam("id");
        String phone = ctx.queryParam("phone");
        foresight.call.MonitorMode mode;
        try {
            mode = foresight.call.MonitorMode.valueOf(String.valueOf(ctx.queryParam("mode") == null ? "listen" : ctx.queryParam("mode")).toUpperCase());
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST).contentType("application/json").result("{\"error\":\"mode must be listen, whisper or barge\"}");
            return;
        }
        var account = phone == null ? Optional.<foresight.db.agent.Agent>empty() : agents.findByUsername(phone);
        List<String> contacts = account.map(a -> agents.contacts(a.id(), clock.instant())).orElse(List.of());
        users.audit(u.get().username(), "monitor_call", callId + " phone=" + phone + " mode=" + mode);
        if (contacts.isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST).contentType("application/json").result(json.writeValueAsString(Map.of("error",
                    "phone=" + phone + " is not a SIP account with a registered phone")));
            return;
        }
        if (!monitorControl.monitor(callId, contacts, mode, u.get().username())) {
            ctx.status(HttpStatus.NOT_FOUND).contentType("application/json").result(json.writeValueAsString(Map.of("error", "no live call " + callId + " on this node")));
            return;
        }
        ctx.status(HttpStatus.ACCEPTED).contentType("application/json").result(json.writeValueAsString(Map.of("call", callId, "ringing", contacts, "mode", mode)));
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

    /**
     * A server-sent event stream of the hub's events that pass {@code filter}: named events ({@code event: answer})
     * whose data is JSON; a comment every 15 s keeps proxies from closing it.
     */
    private void stream(Context ctx, boolean allowed, Predicate<EventHub.Event> filter) throws Exception {
        if (!allowed) return;
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            ctx.status(HttpStatus.NOT_ACCEPTABLE).contentType("application/json")
                    .result("{\"error\":\"this is a server-sent event stream: send Accept: text/event-stream (browsers' EventSource does)\"}");
            return;
        }
        new SseHandler(client -> {
            client.keepAlive();
            EventHub.Subscription sub = events.subscribe(filter);
            client.onClose(sub::close);
            Thread.ofVirtual().name("sse").start(() -> pump(client, sub));
        }).handle(ctx);
    }

    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();

    /** Ends every open event stream (server shutdown), so no request outlives the HTTP server. */
    void closeStreams() {
        for (SseClient c : streams) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.debug("event=sse_close_failed error={}", e.toString());
            }
        }
    }

    private void pump(SseClient client, EventHub.Subscription sub) {
        streams.add(client);
        try (sub) {
            client.sendComment("connected");
            while (!client.terminated()) {
                EventHub.Event e = sub.next(15_000);
                if (e == null) {
                    client.sendComment("ping");
                    continue;
                }
                long lost = sub.takeDropped();
                if (lost > 0) client.sendEvent("lost", "{\"events\":" + lost + "}");
                client.sendEvent(e.type(), json.writeValueAsString(e.data()));
            }
        } catch (Exception e) {
            log.debug("event=sse_closed error={}", e.toString());
        } finally {
            streams.remove(client);
            try {
                client.close();
            } catch (RuntimeException e) {
                log.debug("event=sse_close_failed error={}", e.toString());
            }
        }
    }

    // ---- sessions ---------------------------------------------------------------------------------------------

    private Optional<User> user(Context ctx) {
        String token = ctx.cookie(SESSION_COOKIE);
        if (token == null) {
            String h = ctx.header("Authorization");
            token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        }
        return users.byToken(token);
    }

    /** True for a supervisor or admin; otherwise answers 401/403 (or redirects a page to its login) and returns false. */
    private boolean supervisor(Context ctx, boolean page) throws Exception {
        return allowed(ctx, user(ctx), page);
    }

    private boolean allowed(Context ctx, Optional<User> u, boolean page) throws Exception {
        if (u.isEmpty()) {
            if (page) ctx.redirect("/wallboard/login");
            else ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer").contentType("application/json")
                    .result("{\"error\":\"a valid token is required (Authorization: Bearer <token>)\"}");
            return false;
        }
        if (!SUPERVISORS.contains(u.get().role())) {
            users.audit(u.get().username(), "denied", ctx.path());
            ctx.status(HttpStatus.FORBIDDEN);
            if (page) QaPages.page(ctx, "Not allowed", "<p>Your role (" + esc(u.get().role()) + ") may not see the wallboard.</p>");
            else ctx.contentType("application/json").result(json.writeValueAsString(Map.of("error", "role " + u.get().role() + " may not do this (" + ctx.method() + " " + ctx.path() + ")")));
            return false;
        }
        return true;
    }

    private Optional<String> agent(Context ctx) {
        String sid = ctx.cookie(AGENT_COOKIE);
        String username = sid == null ? null : agentSessions.get(sid);
        if (username == null) {
            ctx.redirect("/agent/login");
            return Optional.empty();
        }
        return Optional.of(username);
    }

    private void agentLogin(Context ctx) {
        String username = ctx.formParam("username");
        String password = ctx.formParam("password");
        var agent = username == null || password == null ? Optional.<foresight.db.agent.Agent>empty() : agents.authenticate(username.trim(), password);
        if (agent.isEmpty()) {
            users.audit(username == null ? "-" : username, "agent_login_failed", "/agent/login");
            ctx.status(HttpStatus.UNAUTHORIZED);
            QaPages.page(ctx, "Agent log in", agentLoginForm("Wrong username or password."));
            return;
        }
        byte[] b = new byte[24];
        random.nextBytes(b);
        String sid = HexFormat.of().formatHex(b);
        agentSessions.put(sid, agent.get().username());
        ctx.cookie(sessionCookie(AGENT_COOKIE, sid));
        users.audit(agent.get().username(), "agent_login", "page");
        ctx.redirect("/agent");
    }

    private void wallboardLogin(Context ctx) {
        String token = ctx.formParam("token");
        Optional<User> u = users.byToken(token);
        if (u.isEmpty() || !SUPERVISORS.contains(u.get().role())) {
            if (u.isPresent()) users.audit(u.get().username(), "denied", "/wallboard/login");
            ctx.status(HttpStatus.UNAUTHORIZED);
            QaPages.page(ctx, "Wallboard log in", wallboardLoginForm(u.isEmpty() ? "That token is not valid." : "Your role (" + u.get().role() + ") may not see the wallboard."));
            return;
        }
        ctx.cookie(sessionCookie(SESSION_COOKIE, token));
        users.audit(u.get().username(), "login", "wallboard");
        ctx.redirect("/wallboard");
    }

    /** A session cookie: HttpOnly, SameSite=Strict, whole site, 12 hours. */
    static Cookie sessionCookie(String name, String value) {
        Cookie c = new Cookie(name, value);
        c.setHttpOnly(true);
        c.setPath("/");
        c.setSameSite(SameSite.STRICT);
        c.setMaxAge((int) Duration.ofHours(12).toSeconds());
        return c;
    }

    private static String agentLoginForm(String error) {
        return (error == null ? "" : "<p class='error' id='error'>" + esc(error) + "</p>")
                + "<form method='post' action='/agent/login'><p>Log in with your softphone's SIP username and password.</p>"
                + "<label>Username <input name='username' id='username' autofocus></label> "
                + "<label>Password <input name='password' id='password' type='password'></label> <button id='login'>Log in</button></form>";
    }

    private static String wallboardLoginForm(String error) {
        return (error == null ? "" : "<p class='error' id='error'>" + esc(error) + "</p>")
                + "<form method='post' action='/wallboard/login'><label>Supervisor token <input name='token' id='token' type='password' size='50' autofocus></label> "
                + "<button id='login'>Log in</button></form>";
    }

    // ---- the agent page ---------------------------------------------------------------------------------------

    private void agentPage(Context ctx) {
        Optional<String> me = agent(ctx);
        if (me.isEmpty()) return;
        String body = "<div id='panel'>" + agentPanel(me.get()) + "</div>"
                + "<form method='post' action='/agent/signout'><button id='signout'>Sign out of this page</button></form>"
                + refresher("/agent/events", "/agent/panel", "panel", 0);
        QaPages.page(ctx, "Agent " + me.get(), body);
    }

    private String agentPanel(String me) {
        Acd.AgentView a = acd.snapshot().agents().stream().filter(v -> v.username().equals(me)).findFirst().orElse(null);
        StringBuilder h = new StringBuilder();
        if (a == null) return "<p>Unknown agent.</p>";
        h.append("<p id='state' data-state='").append(a.state()).append("'>State: <b>").append(label(a.state())).append("</b>")
                .append(a.reason() == null ? "" : " (" + esc(a.reason()) + ")").append(" for ").append(a.inStateSeconds()).append(" s · ")
                .append(a.devices()).append(a.devices() == 1 ? " phone" : " phones").append(" registered · ").append(a.callsToday()).append(" calls today</p>");
        h.append("<form method='post' action='/agent/state' id='states'>");
        if (a.state() == Acd.AgentState.LOGGED_OUT) h.append("<button name='action' value='login' id='do-login'>Log in</button> ");
        if (a.state() != Acd.AgentState.AVAILABLE && a.state() != Acd.AgentState.RINGING && a.state() != Acd.AgentState.ON_CALL) {
            h.append("<button name='action' value='ready' id='do-ready'>Ready</button> ");
        }
        if (a.state() == Acd.AgentState.AVAILABLE || a.state() == Acd.AgentState.WRAP_UP) {
            h.append("<select name='reason' id='reason'>");
            for (String r : NOT_READY_REASONS) h.append("<option>").append(r).append("</option>");
            h.append("</select> <button name='action' value='not_ready' id='do-not-ready'>Not ready</button> ");
        }
        if (a.state() != Acd.AgentState.LOGGED_OUT) h.append("<button name='action' value='logout' id='do-logout'>Log out</button>");
        h.append("</form>");
        String callId = a.state() == Acd.AgentState.LOGGED_OUT ? null : a.callId();
        if (callId == null) {
            h.append("<p id='idle'>No call right now. When one rings, who is calling and why appears here.</p>");
            return h.toString();
        }
        h.append(screenPop(callId, a));
        return h.toString();
    }

    /** Who is calling and why: customer, history, prediction, what they said in the IVR, the path, suggested answers, wrap-up. */
    private String screenPop(String callId, Acd.AgentView a) {
        StringBuilder h = new StringBuilder("<section id='screenpop' data-call='" + esc(callId) + "'>");
        Optional<CallSummary> call = calls.find(callId);
        List<CallEvent> timeline = calls.events(callId);
        String originalCall = null;
        for (CallEvent e : timeline) if (e.type().equals("callback_of")) originalCall = str(e.detail(), "call");
        h.append("<h2>").append(a.state() == Acd.AgentState.RINGING ? "Ringing: " : a.state() == Acd.AgentState.ON_CALL ? "On call: " : "Last call: ");
        var customer = call.flatMap(c -> c.customerId() == null ? Optional.empty() : customers.findById(c.customerId()));
        h.append(customer.map(c -> esc(c.firstName() + " " + c.lastName())).orElse("unknown caller"));
        customer.ifPresent(c -> h.append(" <span id='tier' class='tier'>").append(esc(c.tier())).append("</span>"));
        h.append("</h2><dl>");
        call.ifPresent(c -> {
            h.append("<dt>Queue</dt><dd id='pop-queue'>").append(esc(c.queue())).append("</dd>");
            h.append("<dt>Predicted reason</dt><dd id='predicted'>").append(c.predictedReason() == null ? "—" : esc(c.predictedReason())
                    + String.format(" (%.0f%%)", 100 * (c.predictionConfidence() == null ? 0 : c.predictionConfidence()))).append("</dd>");
            h.append("<dt>Caller confirmed</dt><dd id='confirmed'>").append(c.confirmed() == null ? "not asked" : c.confirmed() ? "yes: " + esc(c.confirmedReason()) : "no").append("</dd>");
        });
        h.append("</dl>");
        if (originalCall != null) h.append("<p id='callback-note'>This is a callback the customer asked for while waiting.</p>");
        customer.ifPresent(c -> {
            h.append("<h3>Recent history</h3><ul id='history'>");
            for (var ev : customers.recentEvents(c.id(), 5)) {
                h.append("<li>").append(DAY.format(ev.occurredAt())).append(" ").append(esc(ev.type())).append(" (").append(esc(ev.status())).append(") ")
                        .append(esc(ev.attributes().toString())).append("</li>");
            }
            h.append("</ul>");
        });
        List<String> said = new ArrayList<>();
        List<String> path = new ArrayList<>();
        for (CallEvent e : timeline) {
            String heard = str(e.detail(), "heard");
            if (heard != null && !heard.isBlank() && (e.type().equals("confirm") || e.type().equals("ask"))) said.add(heard);
            if (e.type().equals("node")) path.add(str(e.detail(), "node"));
        }
        h.append("<h3>In the IVR the caller said</h3><ul id='ivr-transcript'>");
        if (said.isEmpty()) h.append("<li>nothing (keys only, or no question asked)</li>");
        for (String s : said) h.append("<li>“").append(esc(s)).append("”</li>");
        h.append("</ul><p id='flow-path'>Path: ").append(esc(String.join(" → ", path))).append("</p>");
        String reason = call.map(c -> c.confirmedReason() != null ? c.confirmedReason() : c.predictedReason()).orElse(null);
        var wrap = calls.wrapUpOf(callId);
        if (wrap.isPresent() && wrap.get()[1] != null) reason = wrap.get()[1];
        var ranked = Answer.rank(flows.get().answers(), reason, String.join(" ", said) + " " + call.map(CallSummary::callerSaid).orElse(""), 3);
        h.append("<h3>Suggested answers</h3><ol id='answers'>");
        if (ranked.isEmpty()) h.append("<li>none for this call (answers.yml)</li>");
        for (var r : ranked) {
            h.append("<li class='answer'><b>").append(esc(r.answer().title())).append("</b><br>").append(esc(r.answer().text()))
                    .append(r.matched().isEmpty() ? "" : "<br><small>caller said: " + esc(String.join(", ", r.matched())) + "</small>").append("</li>");
        }
        h.append("</ol>");
        if (a.state() != Acd.AgentState.RINGING) {
            h.append("<h3>Wrap-up</h3>");
            if (wrap.isPresent()) h.append("<p id='wrapped'>Saved: ").append(esc(wrap.get()[0])).append(wrap.get()[1] == null ? "" : ", reason " + esc(wrap.get()[1])).append("</p>");
            h.append("<form method='post' action='/agent/wrapup' id='wrapup'><input type='hidden' name='call' value='").append(esc(callId)).append("'>")
                    .append("<label>Disposition <select name='disposition' id='disposition'>");
            for (String d : DISPOSITIONS) h.append("<option>").append(d).append("</option>");
            h.append("</select></label> <label>Reason <select name='reason' id='wrap-reason'>");
            for (var r : flows.get().reasons()) {
                h.append("<option").append(r.id().equals(reason) ? " selected" : "").append(">").append(esc(r.id())).append("</option>");
            }
            h.append("</select></label> <label>Notes <input name='notes' id='notes' size='40'></label> <button id='save-wrapup'>Save</button></form>");
        }
        return h.append("</section>").toString();
    }

    private void agentState(Context ctx) {
        Optional<String> me = agent(ctx);
        if (me.isEmpty()) return;
        String action = ctx.formParam("action");
        String reason = ctx.formParam("reason");
        boolean ok = apply(me.get(), action, reason);
        users.audit(me.get(), "agent_state", action + (reason == null || !"not_ready".equals(action) ? "" : " " + reason) + (ok ? "" : " refused"));
        ctx.redirect("/agent");
    }

    private void wrapUp(Context ctx) {
        Optional<String> me = agent(ctx);
        if (me.isEmpty()) return;
        String callId = ctx.formParam("call");
        var call = callId == null ? Optional.<CallSummary>empty() : calls.find(callId);
        if (call.isEmpty() || !me.get().equals(call.get().agent())) {
            users.audit(me.get(), "denied", "wrapup " + callId);
            ctx.status(HttpStatus.FORBIDDEN);
            QaPages.page(ctx, "Not allowed", "<p>That call was not yours.</p>");
            return;
        }
        String disposition = ctx.formParam("disposition");
        if (!DISPOSITIONS.contains(disposition)) disposition = "resolved";
        String reason = ctx.formParam("reason");
        String r = reason;
        if (reason == null || flows.get().reasons().stream().noneMatch(x -> x.id().equals(r))) reason = null;
        String notes = ctx.formParam("notes");
        calls.wrapUp(callId, disposition, reason, notes == null || notes.isBlank() ? null : notes.strip(), clock.instant());
        users.audit(me.get(), "wrap_up", callId + " " + disposition + (reason == null ? "" : " " + reason));
        log.info("call={} event=wrapped_up agent={} disposition={} reason={}", callId, me.get(), disposition, reason == null ? "-" : reason);
        ctx.redirect("/agent");
    }

    // ---- the wallboard ----------------------------------------------------------------------------------------

    private void wallboard(Context ctx) throws Exception {
        if (!supervisor(ctx, true)) return;
        users.audit(user(ctx).get().username(), "view", "wallboard");
        QaPages.page(ctx, "Wallboard", "<div id='board'>" + wallboardPanel() + "</div>" + refresher("/wallboard/events", "/wallboard/panel", "board", 2000));
    }

    private String wallboardPanel() {
        Acd.Snapshot snap = acd.snapshot();
        StringBuilder h = new StringBuilder();
        List<AlertMonitor.Alert> active = alerts.active();
        h.append("<h2>Alerts</h2><ul id='alerts'>");
        if (active.isEmpty()) h.append("<li id='no-alerts'>none</li>");
        for (var a : active) {
            h.append("<li class='alert' data-queue='").append(esc(a.queue())).append("' data-kind='").append(esc(a.kind())).append("'><b>")
                    .append(esc(a.queue())).append(": ").append(esc(a.kind().replace('_', ' '))).append("</b> — ").append(esc(a.message())).append("</li>");
        }
        h.append("</ul><h2>Queues</h2><table id='queues'><tr><th>Queue</th><th>Waiting</th><th>Longest wait</th><th>Service level</th>"
                + "<th>Abandoned</th><th>Handle time</th><th>Available</th><th>On call</th><th>Wrap-up</th><th>Not ready</th><th>Next caller waits</th></tr>");
        for (Acd.QueueView q : snap.queues()) {
            var st = q.lastHour();
            h.append("<tr class='queue' data-queue='").append(esc(q.name())).append("' data-waiting='").append(q.waiting().size()).append("'><td>").append(esc(q.name()))
                    .append("</td><td class='waiting'>").append(q.waiting().size()).append("</td><td class='longest'>").append(mmss(st.longestWaitSeconds()))
                    .append("</td><td>").append(String.format("%.0f%%", st.serviceLevel() * 100)).append(" <small>(").append(st.answeredInTime()).append("/")
                    .append(st.answered() + st.abandoned()).append(" within ").append(q.definition().serviceLevel().toSeconds()).append(" s)</small></td><td>")
                    .append(String.format("%.0f%%", st.abandonRate() * 100)).append("</td><td>").append(mmss(st.handleSeconds())).append("</td><td>")
                    .append(q.agents().get(Acd.AgentState.AVAILABLE)).append("</td><td>").append(q.agents().get(Acd.AgentState.ON_CALL) + q.agents().get(Acd.AgentState.RINGING))
                    .append("</td><td>").append(q.agents().get(Acd.AgentState.WRAP_UP)).append("</td><td>").append(q.agents().get(Acd.AgentState.NOT_READY))
                    .append("</td><td>").append(q.estimatedWaitSeconds() == null ? "no agents" : mmss(q.estimatedWaitSeconds())).append("</td></tr>");
        }
        h.append("</table><h2>Waiting calls</h2><table id='waiting'><tr><th>Queue</th><th>#</th><th>Caller</th><th>Tier</th><th>Waiting</th><th>Now</th></tr>");
        for (Acd.QueueView q : snap.queues()) {
            for (var w : q.waiting()) {
                h.append("<tr class='waiting-call' data-call='").append(esc(w.callId())).append("'><td>").append(esc(q.name())).append("</td><td>")
                        .append(w.position() == 0 ? "" : w.position()).append("</td><td>").append(esc(w.name() == null ? "unknown" : w.name())).append("</td><td>")
                        .append(esc(w.tier() == null ? "" : w.tier())).append("</td><td>").append(mmss(w.waitSeconds())).append("</td><td>")
                        .append(w.callback() ? "callback" + (w.attempts() > 0 ? " (attempt " + w.attempts() + ")" : "") : "")
                        .append(w.ringing().isEmpty() ? "" : " ringing " + esc(String.join(", ", w.ringing()))).append("</td></tr>");
            }
        }
        h.append("</table><h2>Agents</h2><table id='agents'><tr><th>Agent</th><th>State</th><th>For</th><th>Calls today</th><th>Phones</th><th>Skills</th></tr>");
        for (var a : snap.agents()) {
            h.append("<tr class='agent' data-agent='").append(esc(a.username())).append("' data-state='").append(a.state()).append("'><td>")
                    .append(esc(a.name())).append("</td><td>").append(label(a.state())).append(a.reason() == null ? "" : " <small>" + esc(a.reason()) + "</small>")
                    .append("</td><td>").append(mmss(a.inStateSeconds())).append("</td><td>").append(a.callsToday()).append("</td><td>").append(a.devices())
                    .append("</td><td>").append(esc(a.skills().toString())).append("</td></tr>");
        }
        h.append("</table>");
        h.append(forecastHtml(snap));
        return h.toString();
    }

    private record Forecast(Instant at, ArrivalForecast model, int historyCalls) {}

    /** Arrivals expected in the next four 15-minute intervals and agents needed for 80 % in 20 s (Erlang C); recomputed every 5 minutes. */
    private String forecastHtml(Acd.Snapshot snap) {
        Instant now = clock.instant();
        Forecast f = forecast;
        if (f == null || f.at().isBefore(now.minus(Duration.ofMinutes(5)))) {
            Instant today = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            List<Instant> starts = calls.startsSince(today.minus(Duration.ofDays(56)));
            f = new Forecast(now, ArrivalForecast.learn(starts, today.minus(Duration.ofDays(56)), today), starts.size());
            forecast = f;
        }
        long aht = Math.max(30, snap.queues().stream().mapToLong(q -> q.lastHour().handleSeconds()).max().orElse(180));
        StringBuilder h = new StringBuilder("<h2>Forecast</h2><table id='forecast'><tr><th>Interval (UTC)</th><th>Calls expected</th><th>Agents needed</th></tr>");
        Instant slot = Instant.ofEpochSecond(now.getEpochSecond() / 900 * 900);
        for (int i = 0; i < 4; i++) {
            Instant t = slot.plus(ArrivalForecast.INTERVAL.multipliedBy(i));
            double calls = f.model().at(t);
            h.append("<tr><td>").append(t.atZone(ZoneOffset.UTC).toLocalTime()).append("</td><td>").append(String.format("%.1f", calls)).append("</td><td>")
                    .append(calls <= 0 ? 0 : ErlangC.agentsNeeded(calls, 900, aht, 0.8, 20)).append("</td></tr>");
        }
        return h.append("</table><p><small>From ").append(f.historyCalls()).append(" calls in the last 8 weeks, handle time ").append(aht)
                .append(" s; scripts/foresight forecast for the week ahead.</small></p>").toString();
    }

    /** The page script: every stream event (and every {@code periodMs}, if positive) reloads the fragment into the element. */
    private static String refresher(String stream, String fragment, String element, int periodMs) {
        StringBuilder types = new StringBuilder();
        for (String t : EVENT_TYPES) types.append(types.isEmpty() ? "" : ",").append("'").append(t).append("'");
        return """
                <script>
                (function(){
                  var el=document.getElementById('%s'), busy=false, again=false;
                  function reload(){ if(busy){again=true;return;} busy=true;
                    fetch('%s',{credentials:'same-origin'}).then(function(r){return r.text();}).then(function(t){
                      var f=document.activeElement;
                      var typing=f && f!==document.body && el.contains(f) && (f.tagName==='INPUT' || f.tagName==='SELECT' || f.tagName==='TEXTAREA');
                      if(!typing) el.innerHTML=t;
                      window.foresightUpdated=Date.now();
                    }).finally(function(){busy=false; if(again){again=false; reload();}});
                  }
                  var es=new EventSource('%s');
                  [%s].forEach(function(t){ es.addEventListener(t,function(ev){ window.foresightLastEvent=ev.data; reload(); }); });
                  if(%d>0) setInterval(reload,%d);
                })();
                </script>""".formatted(element, fragment, stream, types, periodMs, periodMs);
    }

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

    private static String mmss(long s) { return String.format("%d:%02d", s / 60, s % 60); }

    private String str(String detailJson, String key) {
        try {
            var n = json.readTree(detailJson).get(key);
            return n == null || n.isNull() ? null : n.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
