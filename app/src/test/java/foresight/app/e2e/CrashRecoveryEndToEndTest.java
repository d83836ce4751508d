package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server process killed with SIGKILL in the middle of a call: the next start on the same data must come up
 * (the embedded PostgreSQL the dead JVM left running is stopped), keep what was recorded as a playable WAV,
 * mark the call failed and queue its transcription.
 */
class CrashRecoveryEndToEndTest {
    @TempDir Path dir;

    @Test
    void serverKilledMidCallRestartsWithAPlayableRecordingAndTheCallMarkedFailed() throws Exception {
        Path pg = dir.resolve("pg"), rec = dir.resolve("recordings");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, "foresight.app.cli.Main", "serve").redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        pb.environment().putAll(java.util.Map.of("FORESIGHT_SIP_HOST", "127.0.0.1", "FORESIGHT_SIP_PORT", "28060", "FORESIGHT_HTTP_PORT", "28080",
                "FORESIGHT_SIP_RTP_PORT_MIN", "44000", "FORESIGHT_SIP_RTP_PORT_MAX", "44998",
                "FORESIGHT_DATABASE_EMBEDDED_DATA_DIR", pg.toString(), "FORESIGHT_RECORDING_DIR", rec.toString(),
                "FORESIGHT_OPERATOR_DIR", "../examples/hotline", "FORESIGHT_SPEECH_MODEL_DIR", "../speech/target/model-unpacked/assets/model-en-us",
                "FORESIGHT_TRANSCRIPTION_ENABLED", "false"));
        pb.environment().put("FORESIGHT_SIP_TLS_PORT", "0");
        Process server = pb.start();
        Process sipp = null;
        try {
            var http = HttpClient.newHttpClient();
            await("first server up; log " + dir.resolve("server.log")).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:28080/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:28060", "-s", "hotline", "-m", "1", "-d", "60000", "-p", "28090",
                    "-i", "127.0.0.1", "-rtp_echo", "-mp", "28100", "-timeout", "90s", "-nostdin")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sipp.log").toFile()).start();
            await("a few seconds recorded").atMost(Duration.ofSeconds(30)).until(() -> wavs(rec).stream().anyMatch(p -> p.toFile().length() > 100_000));
            server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no header fix, PostgreSQL left running
        } finally {
            if (server.isAlive()) server.destroyForcibly();
            if (sipp != null) sipp.destroyForcibly();
        }
        Path wav = wavs(rec).getFirst();

        var config = TestConfigs.server(28060, 44000, 60, dir, "../examples/hotline", 1000, false, 2);
        try (Server restarted = new Server(config).start()) {
            var calls = new CallRepository(restarted.database().dsl());
            CallSummary c = calls.search(null, 10).stream().filter(x -> x.caller().equals("sipp")).findFirst().orElseThrow();
            assertThat(c.status()).isEqualTo("failed");
            assertThat(c.endedAt()).isNotNull();
            var audio = WavReader.read(wav);
            assertThat(audio.channels()).hasNumberOfRows(2);
            assertThat(audio.channels()[0].length).as("seconds of audio kept").isGreaterThan(2 * 8000);
            assertThat(new TranscriptRepository(restarted.database().dsl()).queuedJobs()).as("its transcription is queued").isEqualTo(1);
        }
    }

    private static List<Path> wavs(Path root) throws java.io.IOException {
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".wav")).toList();
        }
    }
}
