package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rollback over real SIP/RTP: after rolling back an edit, the next live call takes the old path again. Ports 34000-34999. */
class FlowRollbackEndToEndTest {
    static final int SIP_PORT = 34010;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    static Path work;
    static Path operatorDir;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-rollback");
        operatorDir = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operatorDir);
        var d = ForesightConfig.DEFAULT;
        var config = new ForesightConfig(
                new ForesightConfig.Sip("127.0.0.1", SIP_PORT, 34100, 34399, "foresight", 15, 60, 30, ForesightConfig.Guard.DEFAULT),
                new ForesightConfig.Http("127.0.0.1", 0),
                new ForesightConfig.Database(null, null, null, work.resolve("pg").toString(), 8),
                new ForesightConfig.Speech(TestConfigs.MODEL, 1),
                new ForesightConfig.Operator(operatorDir.toString(), "hotline", 200),
                new ForesightConfig.Recording(work.resolve("recordings").toString(), false, 0),
                new ForesightConfig.Transcription(false, 200, 3), d.demo(), d.prediction(), d.acd());
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        phone = new TestPhone(34012, 34500);
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static HttpResponse<String> api(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + server.newAdminToken()).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static CallSummary awaitCall(String caller, Instant since, java.util.function.Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> calls.search(null, 50).stream()
                .filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null), c -> c != null && condition.test(c));
    }

    @Test
    void afterARollbackTheNextCallTakesTheOldPath() throws Exception {
        String original = (String) server.health().get("flowVersion");
        Path flow = operatorDir.resolve("flows/hotline.yml");
        Files.writeString(flow, Files.readString(flow).replace("    next: predict\n", "    next: bye\n"));
        await("edited version live").atMost(Duration.ofSeconds(10)).until(() -> !original.equals(server.health().get("flowVersion")));
        String edited = (String) server.health().get("flowVersion");

        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550102")) {
            assertThat(line.call.awaitEnd(Duration.ofSeconds(20))).as("the edited flow hangs up after the greeting").isEqualTo("remote_bye");
        }
        assertThat(awaitCall("+15550102", since, c -> !"active".equals(c.status()), "call ended").flowVersion()).isEqualTo(edited);

        var rollback = api("POST", "/api/flows/rollback/" + original);
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        await("original version live again").atMost(Duration.ofSeconds(10)).until(() -> original.equals(server.health().get("flowVersion")));

        Instant since2 = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550102")) {
            CallSummary c = awaitCall("+15550102", since2, x -> "payment_failed".equals(x.predictedReason()), "the old path predicts the reason");
            assertThat(c.flowVersion()).isEqualTo(original);
            assertThat(c.status()).as("the old flow does not hang up after the greeting").isEqualTo("active");
            line.call.hangUp("caller done");
        }
        var versions = api("GET", "/flows/versions");
        assertThat(versions.statusCode()).isEqualTo(200);
        assertThat(versions.body()).contains("rollback to " + original, "\"source\":\"reload\"", "\"source\":\"start\"", "+    next: bye");
        assertThat(api("POST", "/api/flows/rollback/0123abcd").statusCode()).as("an unknown version is refused").isEqualTo(404);
    }
}
