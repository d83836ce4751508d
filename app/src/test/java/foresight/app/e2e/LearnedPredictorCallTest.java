package foresight.app.e2e;

import foresight.app.Server;
import foresight.db.call.CallEvent;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.customer.CustomerEvent;
import foresight.db.customer.CustomerRepository;
import foresight.speech.predict.CallReasonPredictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The learned predictor's confirm threshold on a real call (SIP + RTP on 127.0.0.1, embedded PostgreSQL): a caller
 * with an open refund hears "are you calling about…"; a caller whose history is only noise — predicted with a
 * confidence that clears the flow's own min_confidence (0.5) but not the model's validated threshold — goes straight
 * to the open question. Ports 33000–33999.
 */
class LearnedPredictorCallTest {
    static final int SIP_PORT = 33960;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("foresight-predict-e2e");
        Path operatorDir = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operatorDir);
        server = new Server(TestConfigs.server(SIP_PORT, 33000, 60, work, operatorDir.toString(), 200, false, 2)).start();
        calls = new CallRepository(server.database().dsl());
        var customers = new CustomerRepository(server.database().dsl());
        Instant now = Instant.now();
        long open = customers.insert("+15557001", "Olive", "Open", "standard").id();
        customers.addEvent(open, now.minus(Duration.ofHours(2)), "refund_requested", "open", Map.of("order_id", 456));
        long noisy = customers.insert("+15557002", "Nina", "Noise", "standard").id();
        customers.addEvent(noisy, now.minus(Duration.ofHours(1)), "app_opened", "done", Map.of());
        customers.addEvent(noisy, now.minus(Duration.ofHours(3)), "newsletter_sent", "done", Map.of());
        server.predictor().update(CallReasonPredictor.train(examples(now), 50, now).orElseThrow());
        phone = new TestPhone(33962, 33700);
    }

    /**
     * 300 past calls: an open refund request a few hours old is a refund call 97 % of the time; after only noise the
     * reason is "payment_failed" 60 % of the time — too unsure to ask at ≥ 90 % precision.
     */
    static List<CallReasonPredictor.Example> examples(Instant now) {
        Random r = new Random(5);
        String[] others = {"refund", "card_lost", "other"};
        List<CallReasonPredictor.Example> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant at = now.minus(Duration.ofDays(300 - i));
            boolean refund = i % 2 == 0;
            double hours = 1 + r.nextDouble() * 5;
            List<CustomerEvent> history = refund
                    ? List.of(new CustomerEvent(i, i, at.minus(Duration.ofMinutes((long) (hours * 60))), "refund_requested", "open", Map.of("order_id", 100 + i)))
                    : List.of(new CustomerEvent(i, i, at.minus(Duration.ofMinutes((long) (hours * 180))), "newsletter_sent", "done", Map.of()),
                              new CustomerEvent(i, i, at.minus(Duration.ofMinutes((long) (hours * 60))), "app_opened", "done", Map.of()));
            String reason = refund ? (r.nextDouble() < 0.97 ? "refund" : "other")
                    : (r.nextDouble() < 0.6 ? "payment_failed" : others[r.nextInt(others.length)]);
            out.add(new CallReasonPredictor.Example(history, List.of(), "standard", at, reason));
        }
        return out;
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static CallSummary latestCallFrom(String caller, Instant since) {
        return calls.search(null, 50).stream().filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null);
    }

    /** The flow nodes the call went through, in order. */
    static List<String> path(String callId) {
        return calls.events(callId).stream().filter(e -> e.type().equals("node")).map(CallEvent::detail).toList();
    }

    /** Dials as {@code caller}, waits until the call reaches the open question, hangs up; returns the call. */
    static CallSummary callUntilOpenQuestion(String caller) throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, caller)) {
            CallSummary c = await("call from " + caller).atMost(Duration.ofSeconds(30)).until(() -> latestCallFrom(caller, since), x -> x != null);
            await("open question reached").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> path(c.id()).stream().anyMatch(n -> n.contains("ask_reason")));
            line.call.hangUp("test done");
            return c;
        }
    }

    @Test
    void callerWithAnOpenIssueHearsTheConfirmQuestionAndANoiseOnlyCallerGoesStraightToTheOpenQuestion() throws Exception {
        var learned = server.predictor().learned().orElseThrow();
        double threshold = learned.validation().threshold();
        assertThat(threshold).as("validated threshold").isGreaterThan(0.6).isLessThan(1.0);

        CallSummary open = callUntilOpenQuestion("+15557001");
        List<String> openPath = path(open.id());
        assertThat(openPath.stream().filter(n -> n.contains("confirm_prediction")).count()).as("path " + openPath).isEqualTo(1);
        assertThat(latestCallFrom("+15557001", open.startedAt()).predictedReason()).isEqualTo("refund");

        CallSummary noise = callUntilOpenQuestion("+15557002");
        List<String> noisePath = path(noise.id());
        assertThat(noisePath).as("path").noneMatch(n -> n.contains("confirm_prediction")).anyMatch(n -> n.contains("ask_reason"));
        CallSummary stored = latestCallFrom("+15557002", noise.startedAt());
        assertThat(stored.predictedReason()).isEqualTo("payment_failed");
        assertThat(stored.predictionConfidence()).as("clears the flow's min_confidence, not the model's threshold").isBetween(0.5, threshold);

        var api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/predictor"))
                .header("Authorization", "Bearer " + server.newQaToken()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("\"version\":\"" + learned.version() + "\"").contains("\"confirm_threshold\"")
                .contains("\"validation_top1\"").contains("\"confirm_coverage\"").contains("\"confirm_precision\"").contains("\"trained_at\"");
        var anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/predictor")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }
}
