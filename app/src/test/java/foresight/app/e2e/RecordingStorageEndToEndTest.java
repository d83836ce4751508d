package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.RecordingRetention;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recordings in an S3-compatible bucket: a real S3 server (s3rver, installed from npm by scripts/install-test-tools)
 * on 127.0.0.1, a SIPp call to the hotline, and the server configured with {@code recording.storage: s3}. After the
 * call is transcribed its recording is in the bucket and no longer on the local disk, a QA user plays it through
 * the API, and retention deletes it from the bucket while the call and its transcript stay.
 */
class RecordingStorageEndToEndTest {
    static final int SIP_PORT = 29450;
    static final int S3_PORT = 29490;
    static final Path S3RVER = Path.of("../.tools/node_modules/.bin/s3rver");
    static Path work;
    static Process s3;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        assertThat(S3RVER).as("s3rver is installed by scripts/install-test-tools").exists();
        work = Files.createTempDirectory("foresight-s3");
        s3 = new ProcessBuilder(S3RVER.toAbsolutePath().toString(), "-d", work.resolve("bucket-data").toString(), "-a", "127.0.0.1",
                "-p", String.valueOf(S3_PORT), "--configure-bucket", "call-audio", "-s")
                .redirectErrorStream(true).redirectOutput(work.resolve("s3rver.log").toFile()).start();
        await("s3rver listening").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var socket = new Socket("127.0.0.1", S3_PORT)) {
                return true;
            }
        });
        var base = TestConfigs.server(SIP_PORT, 52200, 60, work, "../examples/hotline", 1000, true, 2);
        var r = base.recording();
        server = new Server(base.withRecording(new ForesightConfig.Recording(r.dir(), false, 0, "s3", "http://127.0.0.1:" + S3_PORT,
                "us-east-1", "call-audio", "calls", "S3RVER", "S3RVER"))).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (s3 != null) s3.destroy();
    }

    @Test
    void recordingGoesToTheBucketIsPlayedFromThereAndRetentionDeletesItButKeepsTheTranscript() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-i", "127.0.0.1", "-p", "29452",
                "-m", "1", "-d", "3000", "-timeout", "40s", "-nostdin").redirectErrorStream(true).redirectOutput(work.resolve("sipp.log").toFile()).start();
        assertThat(sipp.waitFor(60, TimeUnit.SECONDS) && sipp.exitValue() == 0).as("SIPp call completed; log " + work.resolve("sipp.log")).isTrue();
        var calls = new CallRepository(server.database().dsl());
        CallSummary call = await("recording archived to the bucket").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> calls.search(null, 10).stream().filter(c -> !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && c.recordingPath() != null && c.recordingPath().startsWith("s3://"));
        assertThat(call.recordingPath()).startsWith("s3://call-audio/calls/").endsWith("/" + call.id() + ".wav");
        try (Stream<Path> files = Files.walk(work.resolve("recordings"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".wav"))).as("no local copy is left").isEmpty();
        }

        var users = new foresight.db.audit.UserRepository(server.database().dsl());
        users.upsert("qa-s3", "qa", "qa-s3-token");
        var http = HttpClient.newHttpClient();
        var get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/calls/" + call.id() + "/recording"))
                .header("Authorization", "Bearer qa-s3-token").build();
        var audio = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(new String(audio.body(), 0, 4)).as("a WAV, read back from the bucket").isEqualTo("RIFF");
        Path downloaded = Files.write(work.resolve("downloaded.wav"), audio.body());
        var wav = foresight.recording.wav.WavReader.read(downloaded);
        assertThat(wav.channels().length).as("stereo: caller and agent/IVR").isEqualTo(2);
        assertThat(wav.channels()[0].length / 8000.0).as("about the 3 s SIPp held the call").isBetween(2.0, 6.0);

        // The QA page asks the store, not the local disk: the player is there and the browser loads the audio from the bucket.
        var service = new org.openqa.selenium.chrome.ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        var options = new org.openqa.selenium.chrome.ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio");
        var browser = new org.openqa.selenium.chrome.ChromeDriver(service, options);
        try {
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
            String base = "http://127.0.0.1:" + server.httpPort();
            browser.get(base + "/qa/login");
            browser.findElement(org.openqa.selenium.By.name("token")).sendKeys("qa-s3-token");
            browser.findElement(org.openqa.selenium.By.id("login-button")).click();
            wait.until(d -> d.getCurrentUrl().endsWith("/qa"));
            browser.get(base + "/qa/calls/" + call.id());
            assertThat(browser.findElements(org.openqa.selenium.By.id("no-audio"))).as("no 'deleted' notice for audio in the bucket").isEmpty();
            var js = (org.openqa.selenium.JavascriptExecutor) browser;
            wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').readyState")).intValue() >= 1);
            assertThat(((Number) js.executeScript("return document.getElementById('player').duration")).doubleValue())
                    .as("the player loaded the call's audio from the bucket").isBetween(2.0, 6.0);
        } finally {
            browser.quit();
        }

        var transcripts = new TranscriptRepository(server.database().dsl());
        var segmentsBefore = transcripts.segments(call.id());
        int deleted = new RecordingRetention(transcripts, 1, Clock.systemUTC(), server.recordingStorage()).runOnce(Instant.now().plus(Duration.ofDays(2)));
        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(http.send(get, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).as("the audio is gone from the bucket").isEqualTo(404);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.recordingStorage().open(call.recordingPath()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(calls.find(call.id())).as("the call row stays").isPresent();
        var page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/qa/calls/" + call.id()))
                .header("Authorization", "Bearer qa-s3-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).as("after retention the page says the audio was deleted").contains("id='no-audio'").contains("deleted");
        assertThat(transcripts.segments(call.id())).as("the transcript stays as it was (it may be empty for a silent caller)").isEqualTo(segmentsBefore);
    }
}
