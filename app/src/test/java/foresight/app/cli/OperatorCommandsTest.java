package foresight.app.cli;

import foresight.app.http.HttpApi;
import foresight.flows.load.OperatorSchemas;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's commands of issue #16: schema, simulate and test-flows, run in-process on the example hotline (demo customers, no database). */
class OperatorCommandsTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");
    private static final int HTTP_PORT = 34080;
    @TempDir Path tmp;

    /** What a CLI run printed and returned. */
    private static CliRun cli(String... args) { return CliRun.of(args); }

    private Path copyExample() throws IOException {
        Path dir = tmp.resolve("hotline");
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path p : s.toList()) {
                Path t = dir.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dir;
    }

    @Test
    void simulateShowsPromptsPredictionWhatTheCallerSaidMeansThePathAndTheQueue() {
        CliRun r = cli("simulate", EXAMPLE.toString(), "--from", "+15550100", "--say", "yes");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("caller +15550100: Alice Carter (gold, demo customer)")
                .containsPattern("prediction: refund, confidence 0\\.\\d\\d: \"Are you calling about your refund for order 456\\?\"")
                .contains("[greet] say \"Thank you for calling Foresight Bank.\"")
                .contains("[confirm_prediction] confirm \"Are you calling about your refund for order 456? Please say yes or no.\"")
                .contains("caller says \"yes\" → yes → route")
                .contains("path: greet → predict → confirm_prediction → route → to_refunds")
                .contains("end: queue refunds (agent skills: refunds), reason refund");
    }

    @Test
    void simulateTakesSaysAndPressesInTheOrderGivenByTheNodesThatListen() {
        CliRun r = cli("simulate", EXAMPLE.toString(), "--from", "+15550199", "--say", "hmm", "--press", "7", "--say", "two");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("caller +15550199: unknown number").contains("prediction: none")
                .contains("[predict] predict_issue no prediction → ask_reason")
                .contains("caller says \"hmm\" → no reason → menu")
                .contains("caller presses 7 → key 7 is not an option")
                .contains("caller says \"two\" → key 2 → pick_card")
                .contains("end: queue cards (agent skills: cards), reason card_lost");
    }

    @Test
    void simulateReadsTurnsFromAScriptAndReportsABadLineAsFileLine() throws IOException {
        Path script = tmp.resolve("turns.txt");
        Files.writeString(script, "# an unknown caller\nsay \"I lost my card\"\n");
        CliRun r = cli("simulate", EXAMPLE.toString(), "--script", script.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("caller says \"I lost my card\" → reason card_lost").contains("end: queue cards");

        Files.writeString(script, "say yes\nshout hello\n");
        CliRun bad = cli("simulate", EXAMPLE.toString(), "--script", script.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains(script + ":2: expected 'say WORDS' or 'press KEY' (one of 0-9, * or #), was 'shout hello'");
    }

    @Test
    void simulateOnABrokenFolderPrintsTheSameErrorsAsValidate() throws IOException {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        Files.writeString(flow, Files.readString(flow).replace("    next: predict\n", "    next: predictt\n").replace("    retries: 2\n", "    retires: 2\n"));
        CliRun validate = cli("validate", dir.toString());
        CliRun simulate = cli("simulate", dir.toString(), "--say", "yes");
        assertThat(validate.exit()).isEqualTo(1);
        assertThat(simulate.exit()).isEqualTo(1);
        assertThat(validate.err()).contains(flow + ":").contains("unknown key 'retires'").contains("unknown node 'predictt'");
        assertThat(simulate.err()).isEqualTo(validate.err());
        assertThat(cli("test-flows", dir.toString()).err()).isEqualTo(validate.err());
    }

    @Test
    void theExampleFlowTestsPassAndExitZero() {
        CliRun r = cli("test-flows", EXAMPLE.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        List<String> results = r.out().lines().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL ")).toList();
        assertThat(results).hasSizeGreaterThanOrEqualTo(5).allSatisfy(l -> assertThat(l).startsWith("PASS "));
        assertThat(r.out()).containsPattern("\\d+ test\\(s\\), \\d+ passed, 0 failed");
    }

    @Test
    void aFailingFlowTestExitsOneAndNamesTheTurnThatFailedAndWhatHappenedInstead() throws IOException {
        Path dir = copyExample();
        Path test = dir.resolve("tests/wrong.yml");
        Files.writeString(test, """
                tests:
                  - name: Carol's failed payment is routed to the cards team
                    from: "+15550102"
                    turns:
                      - say: "no"
                        expect: { node: ask_reason }
                      - say: "where is my refund"
                        expect: { queue: cards }
                """);
        CliRun r = cli("test-flows", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL Carol's failed payment is routed to the cards team — " + test
                        + ":7: turn 2 (say \"where is my refund\"): expected queue cards; got route → to_refunds, then the call ended: queue refunds (agent skills: refunds), reason refund")
                .contains("PASS Alice confirms the predicted refund")
                .containsPattern("\\d+ test\\(s\\), \\d+ passed, 1 failed");
    }

    @Test
    void aFlowTestNamingANodeThatDoesNotExistIsAFileLineError() throws IOException {
        Path dir = copyExample();
        Path test = dir.resolve("tests/typo.yml");
        Files.writeString(test, """
                tests:
                  - name: typo
                    from: "+15550199"
                    turns:
                      - press: 12
                        expect: { node: ask_reson }
                """);
        CliRun r = cli("test-flows", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(test + ":5: test 'typo' turn 1: 'press' is one key (0-9, * or #), was '12'")
                .contains(test + ":6: test 'typo' turn 1: expect: node 'ask_reson' does not exist in flow 'hotline' (did you mean 'ask_reason'?)");
        assertThat(r.out()).doesNotContain("PASS");
    }

    @Test
    void schemaWritesTheCheckedInSchemasAndTheServerServesThemWithoutAToken() throws Exception {
        CliRun r = cli("schema", "--out", tmp.resolve("schemas").toString());
        assertThat(r.exit()).isZero();
        for (String name : OperatorSchemas.names()) {
            assertThat(tmp.resolve("schemas/" + name + ".json")).hasSameTextualContentAs(EXAMPLE.resolve("schemas/" + name + ".json"));
        }
        var api = new HttpApi(null, null, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map::of, () -> null).start("127.0.0.1", HTTP_PORT);
        try (HttpClient http = HttpClient.newHttpClient()) {
            var ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + "/schemas/flow.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/schema+json"));
            assertThat(ok.body()).isEqualTo(Files.readString(EXAMPLE.resolve("schemas/flow.json")));
            var missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + "/schemas/nope.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("queues.json");
        } finally {
            api.close();
        }
    }
}
