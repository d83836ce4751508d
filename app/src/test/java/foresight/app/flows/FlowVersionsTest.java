package foresight.app.flows;

import foresight.app.cli.Main;
import foresight.app.http.HttpApi;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.SharedPostgres;
import foresight.db.audit.UserRepository;
import foresight.db.flow.FlowVersionRepository;
import foresight.flows.load.FlowRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Versions of the operator files kept in PostgreSQL: recorded as they go live, listed with diffs, rolled back. */
class FlowVersionsTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");
    private static final int HTTP_PORT = 34081;
    @TempDir Path tmp;
    private final DatabaseConfig database = SharedPostgres.newDatabase(2); // this test's own database, kept across the opens below

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

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertThat(s).contains(from);
        Files.writeString(file, s.replace(from, to));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    }

    private Database open() { return Database.open(database); }

    private static HttpResponse<String> send(HttpClient http, String method, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyLiveVersionIsKeptWithItsDiffAndARollbackMakesTheOldOneLiveAgain() throws Exception {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        String first, second;
        try (Database db = open(); var registry = new FlowRegistry(dir)) {
            var versions = new FlowVersions(dir, new FlowVersionRepository(db.dsl()), Clock.systemUTC());
            boolean[] started = {false};
            registry.onLive(set -> {
                versions.wentLive(set, started[0] ? "reload" : "start");
                started[0] = true;
            });
            first = registry.current().version();
            edit(flow, "Thank you for calling Foresight Bank.", "Welcome to Foresight Bank.");
            assertThat(registry.reloadIfChanged()).isTrue();
            second = registry.current().version();
            var list = versions.list(10);
            assertThat(list).extracting(v -> v.version() + " " + v.source()).containsExactly(second + " reload", first + " start");
            assertThat(list.getFirst().diff()).contains("--- a/flows/hotline.yml", "+++ b/flows/hotline.yml",
                    "-    say: \"Thank you for calling Foresight Bank.\"", "+    say: \"Welcome to Foresight Bank.\"");

            var back = versions.rollback(first.substring(0, 6), "test");
            assertThat(back.version()).isEqualTo(first);
            assertThat(Files.readString(flow)).contains("Thank you for calling Foresight Bank.").doesNotContain("Welcome");
            Files.setLastModifiedTime(flow, FileTime.from(Instant.now().plusSeconds(10)));
            assertThat(registry.reloadIfChanged()).isTrue();
            assertThat(registry.current().version()).as("the old version is live again").isEqualTo(first);
            assertThat(versions.list(10)).extracting(v -> v.version() + " " + v.source())
                    .containsExactly(first + " rollback to " + first + " by test", second + " reload", first + " start");
            assertThatThrownBy(() -> versions.rollback("deadbeef", "test")).isInstanceOf(FlowVersions.UnknownVersionException.class)
                    .hasMessageContaining("unknown version 'deadbeef'").hasMessageContaining(first);

            var users = new UserRepository(db.dsl());
            users.upsert("op", "operator", "op-token");
            users.upsert("boss", "admin", "admin-token");
            var api = new HttpApi(null, null, users, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map::of, () -> null)
                    .flowVersions(versions).start("127.0.0.1", HTTP_PORT);
            try (HttpClient http = HttpClient.newHttpClient()) {
                assertThat(send(http, "GET", "/flows/versions", null).statusCode()).isEqualTo(401);
                var ok = send(http, "GET", "/flows/versions", "op-token");
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.body()).contains("\"version\":\"" + second + "\"", "rollback to " + first, "Welcome to Foresight Bank.");
                assertThat(send(http, "POST", "/api/flows/rollback/" + second, "op-token").statusCode()).as("operators may not roll back").isEqualTo(403);
                var unknown = send(http, "POST", "/api/flows/rollback/abcdef12", "admin-token");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(unknown.body()).contains("unknown version 'abcdef12'");
            } finally {
                api.close();
            }
        }

        // The CLI without a server: an unknown version is refused, a known one rewrites the folder.
        Path config = tmp.resolve("foresight.yml");
        Files.writeString(config, "http:\n  port: 34082\ndatabase:\n  url: " + database.url() + "\n  user: " + database.user() + "\noperator:\n  dir: " + dir + "\n");
        var err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true));
        try {
            assertThat(new CommandLine(new Main()).execute("rollback", "-c", config.toString(), "abcdef12")).isEqualTo(1);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString()).contains("unknown version 'abcdef12'");
        assertThat(Files.readString(flow)).contains("Thank you for calling Foresight Bank.");
        var out = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(new CommandLine(new Main()).execute("rollback", "-c", config.toString(), second)).isZero();
        } finally {
            System.setOut(oldOut);
        }
        assertThat(out.toString()).contains("rolled back " + dir + " to version " + second);
        assertThat(Files.readString(flow)).contains("Welcome to Foresight Bank.");
        try (Database db = open()) {
            assertThat(new FlowVersionRepository(db.dsl()).latest()).get().extracting(v -> v.source()).isEqualTo("rollback to " + second + " by cli");
        }
    }
}
