package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transcription on separate machines: a call node with {@code transcription.enabled: false} and an S3 store
 * (s3rver) uploads each recording when its call ends; {@code foresight transcribe-worker} processes, started as their
 * own JVMs against the node's PostgreSQL, take the jobs. A worker killed with SIGKILL mid-job leaves the job to the
 * next worker once its lease runs out (finished once, attempts = 2); a corrupt recording fails its job with the
 * reason stored while the worker goes on with the next.
 */
class TranscribeWorkerEndToEndTest {
    static final int SIP_PORT = 39000;
    static final int SIPP_PORT = 39002;
    static final int RTP_MIN = 39100;
    static final int S3_PORT = 39490;
    static final int WORKER_METRICS_PORT = 39480;
    static final Path S3RVER = Path.of("../.tools/node_modules/.bin/s3rver");
    static Path work;
    static Process s3;
    static Server server;
    static final List<Process> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assertThat(S3RVER).as("s3rver is installed by scripts/install-test-tools").exists();
        work = Files.createTempDirectory("foresight-worker");
        s3 = new ProcessBuilder(S3RVER.toAbsolutePath().toString(), "-d", work.resolve("bucket-data").toString(), "-a", "127.0.0.1",
                "-p", String.valueOf(S3_PORT), "--configure-bucket", "call-audio", "-s")
                .redirectErrorStream(true).redirectOutput(work.resolve("s3rver.log").toFile()).start();
        await("s3rver listening").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var socket = new Socket("127.0.0.1", S3_PORT)) {
                return true;
            }
        });
        var base = TestConfigs.server(SIP_PORT, RTP_MIN, 60, work, "../examples/hotline", 1000, false, 2);
        var sc = base.sip();
        var r = base.recording();
        server = new Server(base.withSip(new ForesightConfig.Sip(sc.host(), sc.port(), RTP_MIN, RTP_MIN + 298, sc.realm(), sc.ringTimeoutSeconds(),
                        sc.rtpTimeoutSeconds(), sc.maxCallMinutes(), sc.guard()))
                .withRecording(new ForesightConfig.Recording(r.dir(), false, 0, "s3", "http://127.0.0.1:" + S3_PORT,
                        "us-east-1", "call-audio", "calls", "S3RVER", "S3RVER"))).start();
    }

    @AfterAll
    static void stop() {
        for (Process p : workers) p.destroyForcibly();
        if (server != null) server.close();
        if (s3 != null) s3.destroy();
    }

    /** {@code foresight transcribe-worker} as its own JVM: the app classpath, the node's database by its port, the bucket. */
    static Process worker(String name, long holdMillis, int metricsPort) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        if (holdMillis > 0) cmd.add("-Dforesight.transcription.testHoldMillis=" + holdMillis);
        cmd.addAll(List.of("-cp", cp, "foresight.app.cli.Main", "transcribe-worker"));
        if (metricsPort > 0) cmd.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
        Path dir = Files.createDirectories(work.resolve(name));
        var pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        Map<String, String> env = new HashMap<>();
        env.put("FORESIGHT_DATABASE_URL", "jdbc:postgresql://localhost:" + server.database().embeddedPort() + "/postgres");
        env.put("FORESIGHT_DATABASE_USER", "postgres");
        env.put("FORESIGHT_DATABASE_EMBEDDED_DATA_DIR", dir.resolve("unused-pg").toString());
        env.put("FORESIGHT_SPEECH_MODEL_DIR", Path.of(TestConfigs.MODEL).toAbsolutePath().toString());
        env.put("FORESIGHT_SPEECH_OPEN_RECOGNISER", "vosk");
        env.put("FORESIGHT_OPERATOR_DIR", Path.of("../examples/hotline").toAbsolutePath().toString());
        env.put("FORESIGHT_RECORDING_STORAGE", "s3");
        env.put("FORESIGHT_RECORDING_S3_ENDPOINT", "http://127.0.0.1:" + S3_PORT);
        env.put("FORESIGHT_RECORDING_S3_BUCKET", "call-audio");
        env.put("FORESIGHT_RECORDING_S3_PREFIX", "calls");
        env.put("FORESIGHT_RECORDING_S3_ACCESS_KEY", "S3RVER");
        env.put("FORESIGHT_RECORDING_S3_SECRET_KEY", "S3RVER");
        env.put("FORESIGHT_TRANSCRIPTION_LEASE_SECONDS", "3");
        env.put("FORESIGHT_TRANSCRIPTION_POLL_INTERVAL_MILLIS", "200");
        env.put("FORESIGHT_HTTP_HOST", "127.0.0.1");
        pb.environment().putAll(env);
        Process p = pb.start();
        workers.add(p);
        return p;
    }

    static CallSummary call(int seconds) throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-i", "127.0.0.1", "-p", String.valueOf(SIPP_PORT),
                "-m", "1", "-d", String.valueOf(seconds * 1000), "-timeout", "40s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("sipp.log").toFile()).start();
        assertThat(sipp.waitFor(60, TimeUnit.SECONDS) && sipp.exitValue() == 0).as("SIPp call completed; log " + work.resolve("sipp.log")).isTrue();
        var calls = new CallRepository(server.database().dsl());
        return await("the node uploaded the recording at call end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> calls.search(null, 20).stream().filter(c -> !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && c.recordingPath() != null && c.recordingPath().startsWith("s3://"));
    }

    static foresight.db.transcript.JobState job(String callId) {
        return new TranscriptRepository(server.database().dsl()).jobState(callId).orElseThrow();
    }

    static long count(String sql, Object... args) {
        return ((Number) server.database().dsl().fetchOne(sql, args).get(0)).longValue();
    }

    @Test
    void separateWorkersFinishEveryJobOnceSurviveAKilledWorkerAndFailACorruptRecordingWithItsReason() throws Exception {
        var transcripts = new TranscriptRepository(server.database().dsl());

        // 1. The node does not transcribe; a worker process on its own does.
        CallSummary first = call(3);
        assertThat(job(first.id()).status()).as("nobody on the node takes the job").isEqualTo("queued");
        Process a = worker("worker-a", 0, 0);
        await("worker A transcribed the first call").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> job(first.id()).status().equals("done"));
        assertThat(job(first.id()).attempts()).isEqualTo(1);
        assertThat(transcripts.fullText(first.id())).as("the transcript row is there").isPresent();
        a.destroy(); // SIGTERM: nothing in progress, exits cleanly
        assertThat(a.waitFor(30, TimeUnit.SECONDS)).as("worker A stops on SIGTERM").isTrue();
        assertThat(Files.readString(work.resolve("worker-a.log"))).contains("event=transcribe_worker_stopped");

        // 2. Worker B takes the next job and is killed (SIGKILL) before it writes its result; worker C retakes it.
        Process b = worker("worker-b", 120_000, 0);
        CallSummary second = call(3);
        await("worker B holds the second job").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(work.resolve("worker-b.log")).contains("call=" + second.id() + " event=transcription_taken"));
        assertThat(job(second.id()).status()).isEqualTo("running");
        b.destroyForcibly();
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Process c = worker("worker-c", 0, WORKER_METRICS_PORT);
        await("worker C finished the job B died holding").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> job(second.id()).status().equals("done"));
        assertThat(job(second.id()).attempts()).as("B's attempt and C's").isEqualTo(2);
        assertThat(count("select count(*) from transcripts where call_id = ?", second.id())).isEqualTo(1);
        assertThat(Files.readString(work.resolve("worker-b.log"))).doesNotContain("call=" + second.id() + " event=transcribed");
        assertThat(Files.readString(work.resolve("worker-c.log")).split("call=" + second.id() + " event=transcribed", -1)).as("finished once").hasSize(2);

        // 3. Garbage bytes in the bucket: the job fails with its reason, and C goes on with the next call.
        Path garbage = work.resolve("corrupt.wav");
        Files.write(garbage, "RIFF\u0001\u0002not a wave file at all".getBytes());
        var calls = new CallRepository(server.database().dsl());
        calls.create("corrupt-1", "sip-corrupt-1", "+15550199", null, Instant.now());
        String location = server.recordingStorage().archive("corrupt-1", garbage);
        assertThat(location).startsWith("s3://");
        transcripts.recordingOpened("corrupt-1", location, 2, 8000);
        transcripts.recordingClosed("corrupt-1", 1000);
        CallSummary third = call(2);
        await("the corrupt recording's job failed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> job("corrupt-1").status().equals("failed"));
        var failed = job("corrupt-1");
        assertThat(failed.attempts()).as("retried up to transcription.maxAttempts").isEqualTo(3);
        assertThat(failed.lastError()).as("the reason is stored, naming the recording in the bucket").contains("not a RIFF/WAVE file").contains(location);
        assertThat(Files.readString(work.resolve("worker-c.log"))).as("no flows run in a worker").doesNotContain("intent_model_trained");
        await("worker C went on with the next call").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> job(third.id()).status().equals("done"));
        assertThat(c.isAlive()).isTrue();

        // 4. Backlog and lag on the worker's own /metrics and on the node's.
        var http = HttpClient.newHttpClient();
        String workerMetrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WORKER_METRICS_PORT + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(workerMetrics).contains("foresight_transcription_backlog 0.0").contains("foresight_transcription_lag_seconds 0.0");
        String nodeMetrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(nodeMetrics).contains("foresight_transcription_backlog").contains("foresight_transcription_lag_seconds")
                .as("the pacer's lateness timer counts wake-ups").containsPattern("(?m)^foresight_media_pacer_lateness_seconds_count [1-9]");

        c.destroy();
        assertThat(c.waitFor(30, TimeUnit.SECONDS)).as("worker C stops on SIGTERM").isTrue();

        // 5. SIGTERM mid-job: worker D gets its grace period, then gives the job back (queued, the attempt not counted).
        Process d = worker("worker-d", 120_000, 0);
        CallSummary fourth = call(2);
        await("worker D holds the fourth job").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(work.resolve("worker-d.log")).contains("call=" + fourth.id() + " event=transcription_taken"));
        d.destroy();
        assertThat(d.waitFor(40, TimeUnit.SECONDS)).as("worker D stops on SIGTERM within its grace period").isTrue();
        var released = job(fourth.id());
        assertThat(released.status()).as("released, not left running until its lease runs out").isEqualTo("queued");
        assertThat(released.attempts()).isEqualTo(0);
        assertThat(transcripts.fullText(fourth.id())).isEmpty();
    }
}
