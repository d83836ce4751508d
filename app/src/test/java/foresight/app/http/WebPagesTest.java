package foresight.app.http;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.agent.AgentRepository;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallRepository;
import foresight.db.transcript.TranscriptRepository;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages and the API in process over real HTTP (port 0): sessions, CSRF, login throttling and escaping, against
 * an embedded PostgreSQL. Each test gets its own HTTP server, so its own session store and login guard.
 */
class WebPagesTest {
    static Database db;
    static UserRepository users;
    static CallRepository calls;
    static TranscriptRepository transcripts;
    static AgentRepository agents;

    HttpApi api;
    String base;
    final HttpClient http = HttpClient.newHttpClient(); // follows no redirects: the tests look at them

    @BeforeAll
    static void database() {
        db = SharedPostgres.open(4);
        users = new UserRepository(db.dsl());
        calls = new CallRepository(db.dsl());
        transcripts = new TranscriptRepository(db.dsl());
        agents = new AgentRepository(db.dsl());
        users.upsert("qa-tester", "qa", "qa-token-123");
        agents.upsert("3101", "Agent 3101", "foresight", "3101pw", Set.of("support"));
        calls.create("call-web-1", "sip-web-1", "+15550001111", null, Instant.now());
        calls.event("call-web-1", "ask", Map.of("heard", "<script>alert('x')</script> my card"));
    }

    @AfterAll
    static void close() { db.close(); }

    @BeforeEach
    void start() {
        // The agent login touches only the agent accounts and the audit: the ACD, event hub, alerts and flows are not needed here.
        var contact = new ContactPages(null, null, null, agents, null, calls, transcripts, users, null, null, Clock.systemUTC(), null);
        api = new HttpApi(calls, transcripts, users, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map::of, Map::of)
                .contactCenter(contact).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterEach
    void stop() { api.close(); }

    @Test
    void qaLoginCreatesAServerSideSessionWhoseCookieIsNotTheToken() throws Exception {
        var login = post("/qa/login", null, "token", "qa-token-123");
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValue("/qa");
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("foresight_session=").contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/")
                .doesNotContain("qa-token-123");
        String sid = cookieValue(setCookie);
        assertThat(sid).matches("[0-9a-f]{40}");
        assertThat(api.auth().sessions().find(sid)).hasValueSatisfying(s -> assertThat(s.username()).isEqualTo("qa-tester"));

        var search = get("/qa", sid);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains("id='results'");

        var logout = post("/qa/logout", sid, "_csrf", csrfOf(search.body()));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(api.auth().sessions().find(sid)).as("logout deletes the session on the server").isEmpty();
        var after = get("/qa", sid);
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).hasValue("/qa/login");
    }

    @Test
    void aFormPostWithoutItsCsrfTokenIsRefused() throws Exception {
        String sid = cookieValue(post("/qa/login", null, "token", "qa-token-123").headers().firstValue("Set-Cookie").orElseThrow());
        String csrf = csrfOf(get("/qa/calls/call-web-1", sid).body());
        int refusedBefore = users.auditCount("csrf_refused");

        var forged = post("/qa/calls/call-web-1/score", sid, "score", "12", "comment", "forged");
        assertThat(forged.statusCode()).isEqualTo(403);
        var wrong = post("/qa/calls/call-web-1/score", sid, "score", "12", "comment", "forged", "_csrf", "0".repeat(40));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(transcripts.reviews("call-web-1")).noneMatch(r -> "forged".equals(r.comment()));
        assertThat(users.auditCount("csrf_refused")).isEqualTo(refusedBefore + 2);

        var real = post("/qa/calls/call-web-1/score", sid, "score", "77", "comment", "kept calm", "_csrf", csrf);
        assertThat(real.statusCode()).isEqualTo(302);
        assertThat(transcripts.reviews("call-web-1")).anyMatch(r -> r.score() == 77 && "kept calm".equals(r.comment()));
    }

    @Test
    void theSixthWrongAgentPasswordInARowIsRefusedWith429AndAudited() throws Exception {
        int failedBefore = users.auditCount("login_failed");
        int lockoutsBefore = users.auditCount("login_lockout");
        int lockedBefore = users.auditCount("login_locked");
        for (int i = 1; i <= 5; i++) {
            assertThat(post("/agent/login", null, "username", "3101", "password", "guess" + i).statusCode()).as("wrong password " + i).isEqualTo(401);
        }
        var sixth = post("/agent/login", null, "username", "3101", "password", "guess6");
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(s -> assertThat(s).isBetween(1, 30));
        assertThat(sixth.body()).contains("Too many failed attempts");
        var right = post("/agent/login", null, "username", "3101", "password", "3101pw");
        assertThat(right.statusCode()).as("locked out: even the right password waits").isEqualTo(429);
        assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(users.auditCount("login_failed")).isEqualTo(failedBefore + 5);
        assertThat(users.auditCount("login_lockout")).isEqualTo(lockoutsBefore + 1);
        assertThat(users.auditCount("login_locked")).isEqualTo(lockedBefore + 2);
    }

    @Test
    void anAgentLogsInWithTheSoftphonePasswordAndMayNotOpenTheQaPages() throws Exception {
        var login = post("/agent/login", null, "username", "3101", "password", "3101pw");
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValue("/agent");
        String sid = cookieValue(login.headers().firstValue("Set-Cookie").orElseThrow());
        assertThat(get("/qa", sid).statusCode()).isEqualTo(403);
    }

    @Test
    void templatesEscapeScriptInWhatTheCallerSaid() throws Exception {
        var page = http.send(HttpRequest.newBuilder(URI.create(base + "/qa/calls/call-web-1")).header("Authorization", "Bearer qa-token-123").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("&lt;script&gt;alert(").doesNotContain("<script>alert(");
    }

    @Test
    void theApiStillWantsABearerTokenAndAnswersJson() throws Exception {
        var anonymous = get("/api/calls", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        var ok = http.send(HttpRequest.newBuilder(URI.create(base + "/api/calls?q=card")).header("Authorization", "Bearer qa-token-123").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).startsWith("{\"calls\":");
    }

    @Test
    void pagesLoadTheirStylesAndHtmxFromStaticFiles() throws Exception {
        assertThat(get("/static/foresight.css", null).statusCode()).isEqualTo(200);
        assertThat(get("/webjars/htmx.org/2.0.7/dist/htmx.min.js", null).statusCode()).isEqualTo(200);
        assertThat(get("/webjars/htmx-ext-sse/2.2.2/sse.js", null).statusCode()).isEqualTo(200);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String path, String sid) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path));
        if (sid != null) b.header("Cookie", "foresight_session=" + sid);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String sid, String... form) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(form[i]).append('=').append(URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
        }
        var b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (sid != null) b.header("Cookie", "foresight_session=" + sid);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieValue(String setCookie) { return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';')); }

    private static String csrfOf(String html) {
        Matcher m = Pattern.compile("name='_csrf' value='([0-9a-f]+)'").matcher(html);
        assertThat(m.find()).as("the page's forms carry a CSRF token").isTrue();
        return m.group(1);
    }
}
