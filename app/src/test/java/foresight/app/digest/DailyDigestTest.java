package foresight.app.digest;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import foresight.app.config.ForesightConfig;
import foresight.app.http.HttpApi;
import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallRepository;
import foresight.db.digest.DigestRepository;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static foresight.db.schema.Tables.QA_HITS;
import static foresight.db.schema.Tables.TRANSCRIPT_SEGMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Five weeks of calls in a real (embedded) PostgreSQL with one planted rise in a reason, one in a QA category and one
 * new phrase; the digest flags exactly those, and is delivered to a webhook, by email (GreenMail) and over HTTP.
 */
class DailyDigestTest {
    static final LocalDate DAY = LocalDate.parse("2026-11-25");
    static final String BASE = "http://foresight.test:8080";
    static final int WEBHOOK_PORT = 38001, SMTP_PORT = 38025, HTTP_PORT = 38080;
    static final String NEW_PHRASE = "the app shows error code forty two";
    static Database db;
    static DigestBuilder builder;
    static final List<String> cardLostToday = new ArrayList<>();
    static int asked;
    static final List<String> wrongPredictions = new ArrayList<>();

    @BeforeAll
    static void fiveWeeksOfCalls() {
        db = SharedPostgres.open(2);
        var calls = new CallRepository(db.dsl());
        for (LocalDate d = DAY.minusDays(34); !d.isAfter(DAY); d = d.plusDays(1)) {
            boolean today = d.equals(DAY);
            boolean thisWeek = !d.isBefore(DAY.minusDays(6));
            int dayIndex = (int) (d.toEpochDay() % 1000);
            // steady: the same on the day as before
            addCalls(calls, d, "billing", 10, "I want to check my bill balance", i -> i < 8 ? "compliance_greeting" : null);
            // planted rise: 4 a day, 16 on the day (x4, thousands of times less likely than p = 0.01 by chance)
            addCalls(calls, d, "card_lost", today ? 16 : 4, "my card was lost yesterday", i -> today && i < 12 ? "escalation" : null);
            // same x4 ratio on a tiny count: 1 call every 4 days before, 1 on the day
            if (today || dayIndex % 4 == 0) addCalls(calls, d, "address_change", 1, "I moved to a new street", i -> null);
            // QA escalation: 2 calls a day before; on the day 12 of the card_lost calls escalate too
            addCalls(calls, d, "complaint", 2, "the agent was rude yesterday", i -> "escalation");
            // the new phrase: said in 5 calls this week (3 of them on the day), never before
            if (thisWeek && (today || dayIndex % 3 == 0)) addCalls(calls, d, "app_problem", today ? 3 : 1, NEW_PHRASE, i -> null);
            else if (!thisWeek && dayIndex % 3 == 0) addCalls(calls, d, "app_problem", 1, "the app will not open", i -> null);
        }
        // the day after: the predictor goes wrong, only 5 of 20 asked callers confirm (80 % before)
        LocalDate next = DAY.plusDays(1);
        for (int i = 0; i < 20; i++) {
            String id = "p-" + next + "-" + i;
            calls.create(id, "sip-" + id, "+15550100", null, next.atTime(11, i).toInstant(ZoneOffset.UTC));
            calls.prediction(id, "billing", 0.7, "Is it about your bill?");
            calls.confirmation(id, i < 5, i < 5 ? "billing" : null);
            if (i >= 5) wrongPredictions.add(id);
        }
        builder = new DigestBuilder(new DigestRepository(db.dsl()), BASE);
    }

    private static void addCalls(CallRepository calls, LocalDate day, String reason, int n, String said,
                                 java.util.function.IntFunction<String> qaCategory) {
        for (int i = 0; i < n; i++) {
            String id = "c-" + day + "-" + reason + "-" + i;
            Instant at = day.atTime(9, 0).plusMinutes(i).toInstant(ZoneOffset.UTC);
            calls.create(id, "sip-" + id, "+1555010" + (i % 10), null, at);
            calls.prediction(id, reason, 0.8, "Is it about " + reason + "?");
            calls.confirmation(id, asked++ % 5 != 0, reason); // 80 % of asked callers confirm, every day
            db.dsl().insertInto(TRANSCRIPT_SEGMENTS).set(TRANSCRIPT_SEGMENTS.CALL_ID, id).set(TRANSCRIPT_SEGMENTS.CHANNEL, "caller")
                    .set(TRANSCRIPT_SEGMENTS.START_MS, 1000L).set(TRANSCRIPT_SEGMENTS.END_MS, 3000L).set(TRANSCRIPT_SEGMENTS.TEXT, said).execute();
            db.dsl().insertInto(TRANSCRIPT_SEGMENTS).set(TRANSCRIPT_SEGMENTS.CALL_ID, id).set(TRANSCRIPT_SEGMENTS.CHANNEL, "agent")
                    .set(TRANSCRIPT_SEGMENTS.START_MS, 0L).set(TRANSCRIPT_SEGMENTS.END_MS, 900L)
                    .set(TRANSCRIPT_SEGMENTS.TEXT, day.isBefore(DAY.minusDays(6)) ? "welcome to foresight" : "our brand new greeting script")
                    .execute(); // new words on the agent's side are not what callers say
            String category = qaCategory.apply(i);
            if (category != null) {
                db.dsl().insertInto(QA_HITS).set(QA_HITS.CALL_ID, id).set(QA_HITS.CATEGORY, category).set(QA_HITS.CHANNEL, "agent")
                        .set(QA_HITS.PHRASE, "x").set(QA_HITS.START_MS, 0L).set(QA_HITS.END_MS, 10L).execute();
            }
            if (reason.equals("card_lost") && day.equals(DAY)) cardLostToday.add(id);
        }
    }

    @AfterAll
    static void closeDatabase() {
        if (db != null) db.close();
    }

    @Test
    void flagsThePlantedRiseButNotTheSameRatioOnATinyCount() {
        var d = builder.build(DAY);
        assertThat(d.reasons()).extracting(DailyDigest.Rise::name).containsExactly("card_lost");
        var rise = d.reasons().get(0);
        assertThat(rise.calls()).isEqualTo(16);
        assertThat(rise.baselinePerDay()).isEqualTo(4.0);
        assertThat(rise.pValue()).isLessThan(0.01);
        assertThat(d.baselineFrom()).isEqualTo(DAY.minusDays(28));
        assertThat(d.baselineTo()).isEqualTo(DAY.minusDays(1));
    }

    @Test
    void flagsTheRisingQaCategoryOnly() {
        var d = builder.build(DAY);
        assertThat(d.categories()).extracting(DailyDigest.Rise::name).containsExactly("escalation");
        assertThat(d.categories().get(0).calls()).isEqualTo(14);
    }

    @Test
    void findsExactlyThePlantedNewPhraseInCallerSpeech() {
        var d = builder.build(DAY);
        assertThat(d.newPhrases()).extracting(DailyDigest.Phrase::text).containsExactly("app shows error code forty two");
        assertThat(d.newPhrases().get(0).calls()).isGreaterThanOrEqualTo(5);
        assertThat(d.newPhrases().get(0).examples()).hasSize(3)
                .allSatisfy(e -> assertThat(e.url()).isEqualTo(BASE + "/qa/calls/" + e.callId()).contains("app_problem"));
    }

    @Test
    void everyItemHasThreeExampleCallsLinkingToTheQaPage() {
        var d = builder.build(DAY);
        assertThat(d.reasons().get(0).examples()).hasSize(3).allSatisfy(e -> {
            assertThat(cardLostToday).contains(e.callId());
            assertThat(e.url()).isEqualTo(BASE + "/qa/calls/" + e.callId());
        });
        assertThat(d.categories().get(0).examples()).hasSize(3);
    }

    @Test
    void steadyPredictorPrecisionIsNotADrop() {
        var p = builder.build(DAY).precision();
        assertThat(p.asked()).isGreaterThan(20);
        assertThat(p.share()).isBetween(0.7, 0.9);
        assertThat(p.baselineShare()).isBetween(0.75, 0.85);
        assertThat(p.dropped()).isFalse();
        assertThat(p.examples()).isEmpty();
    }

    @Test
    void aFallInPredictorPrecisionIsFlaggedWithCallsThatSaidNo() {
        var p = builder.build(DAY.plusDays(1)).precision();
        assertThat(p.asked()).isEqualTo(20);
        assertThat(p.confirmed()).isEqualTo(5);
        assertThat(p.baselineShare()).isBetween(0.75, 0.85);
        assertThat(p.drift()).isLessThan(-0.5);
        assertThat(p.pValue()).isLessThan(0.01);
        assertThat(p.dropped()).isTrue();
        assertThat(p.examples()).hasSize(3).allSatisfy(e -> {
            assertThat(wrongPredictions).contains(e.callId());
            assertThat(e.url()).isEqualTo(BASE + "/qa/calls/" + e.callId());
        });
    }

    @Test
    void theSchedulerPostsYesterdaysDigestAsJsonToTheWebhook() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", WEBHOOK_PORT), 0);
        hook.createContext("/hook", ex -> {
            bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + "\n" + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        var config = new ForesightConfig.Digest("09:00", "http://127.0.0.1:" + WEBHOOK_PORT + "/hook", "", 25, "foresight@localhost",
                List.of(), "", "", false, BASE);
        // half a second before 09:00 on the day after DAY
        Instant start = DAY.plusDays(1).atTime(LocalTime.of(8, 59, 59, 500_000_000)).toInstant(ZoneOffset.UTC);
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), start));
        try (var scheduler = new DigestScheduler(LocalTime.parse(config.time()), clock, builder::build, new DigestDelivery(config)).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.sent() == 1);
        } finally {
            hook.stop(0);
        }
        assertThat(bodies).hasSize(1);
        String[] parts = bodies.get(0).split("\n", 2);
        assertThat(parts[0]).isEqualTo("application/json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(parts[1]);
        assertThat(json.path("date").asText()).isEqualTo(DAY.toString());
        assertThat(json.path("reasons").get(0).path("name").asText()).isEqualTo("card_lost");
        assertThat(json.path("reasons").get(0).path("examples").get(0).path("url").asText()).startsWith(BASE + "/qa/calls/c-" + DAY);
    }

    @Test
    void theEmailArrivesWithTheDateInItsSubject() throws Exception {
        var mail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            var config = new ForesightConfig.Digest("09:00", "", "127.0.0.1", SMTP_PORT, "foresight@example.com",
                    List.of("product@example.com", "qa@example.com"), "", "", false, BASE);
            new DigestDelivery(config).deliver(builder.build(DAY));
            assertThat(mail.waitForIncomingEmail(10_000, 2)).isTrue();
            MimeMessage[] got = mail.getReceivedMessages();
            assertThat(got).hasSize(2);
            assertThat(got[0].getSubject()).contains("2026-11-25");
            assertThat(got[0].getFrom()[0].toString()).isEqualTo("foresight@example.com");
            var parts = (jakarta.mail.internet.MimeMultipart) got[0].getContent();
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            assertThat(text).contains("card_lost: 16 calls").contains(BASE + "/qa/calls/c-" + DAY + "-card_lost-");
            assertThat(html).contains("href='" + BASE + "/qa/calls/c-" + DAY + "-card_lost-");
        } finally {
            mail.stop();
        }
    }

    @Test
    void supervisorsSeeTheDigestPageAndJsonAgentsDoNot() throws Exception {
        var users = new UserRepository(db.dsl());
        users.upsert("sup", "supervisor", "sup-token");
        users.upsert("ag", "agent", "agent-token");
        var clock = Clock.fixed(DAY.plusDays(1).atTime(10, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        try (var api = new HttpApi(null, null, users, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map::of, () -> null)
                .digest(new DigestPages(builder, clock)).start("127.0.0.1", HTTP_PORT)) {
            var http = HttpClient.newHttpClient();
            var json = get(http, "/api/digest?date=" + DAY, "sup-token");
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).contains("\"card_lost\"").contains("app shows error code forty two");
            var page = get(http, "/digest", "sup-token"); // no date: yesterday by the clock
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Foresight digest for " + DAY).contains("href='" + BASE + "/qa/calls/");
            assertThat(get(http, "/digest?date=" + DAY, "agent-token").statusCode()).isEqualTo(403);
            assertThat(get(http, "/api/digest?date=" + DAY, null).statusCode()).isEqualTo(401);
            var bad = get(http, "/api/digest?date=25.11.2026", "sup-token");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("YYYY-MM-DD");
        }
    }

    private static HttpResponse<String> get(HttpClient http, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
