package foresight.app.transcribe;

import com.sun.net.httpserver.HttpServer;
import foresight.app.SpeechRecognizers;
import foresight.app.config.ForesightConfig;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.qa.QaRules;
import foresight.recording.storage.LocalStorage;
import foresight.recording.storage.RecordingStorage;
import foresight.recording.storage.S3Storage;
import foresight.recording.transcribe.TimedWord;
import foresight.recording.transcribe.TranscriptionWorker;
import foresight.speech.asr.SpeechRecognizer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A process that only transcribes: it takes jobs from the shared PostgreSQL ({@code database.url}), reads the
 * recordings from the configured store (local path or S3) and writes transcripts and QA results back. No SIP, no
 * web pages; optionally {@code /health} and {@code /metrics} on a port of its own. Closing (SIGTERM) finishes the
 * jobs in progress or releases them for another worker.
 */
public final class TranscribeWorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscribeWorkerProcess.class);

    private final ForesightConfig config;
    private final int metricsPort;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private TranscriptionWorker worker;
    private HttpServer http;
    private String workerId;

    public TranscribeWorkerProcess(ForesightConfig config, int metricsPort) {
        this.config = config;
        this.metricsPort = metricsPort;
    }

    /** The queue's backlog and lag gauges (the server registers them too). */
    public static void queueGauges(MeterRegistry metrics, TranscriptRepository transcripts) {
        Gauge.builder("foresight_transcription_backlog", transcripts, TranscriptRepository::backlog)
                .description("transcription jobs queued, waiting for a worker (all nodes)").register(metrics);
        Gauge.builder("foresight_transcription_lag_seconds", transcripts, TranscriptRepository::lagSeconds)
                .description("age of the oldest queued transcription job").register(metrics);
    }

    /** The recording store the configuration names (recording.storage: local or s3). */
    public static RecordingStorage storage(ForesightConfig.Recording rc) {
        if ("s3".equalsIgnoreCase(rc.storage())) {
            return new S3Storage(new S3Storage.Settings(rc.s3Endpoint(), rc.s3Region(), rc.s3Bucket(), rc.s3Prefix(), rc.s3AccessKey(), rc.s3SecretKey()));
        }
        if (!"local".equalsIgnoreCase(rc.storage())) throw new IllegalArgumentException("recording.storage must be local or s3, was '" + rc.storage() + "'");
        return new LocalStorage();
    }

    public TranscribeWorkerProcess start() throws Exception {
        var dbc = config.database();
        if (dbc.url() == null || dbc.url().isBlank()) {
            log.warn("event=transcribe_worker_embedded_db dir={} (database.url is unset: this worker uses its own embedded PostgreSQL, "
                    + "not the call nodes' database; point database.url at the shared one)", dbc.embeddedDataDir());
        }
        var db = Database.open(new DatabaseConfig(dbc.url() == null || dbc.url().isBlank() ? null : dbc.url(), dbc.user(), dbc.password(),
                Path.of(dbc.embeddedDataDir()), Math.min(dbc.poolSize(), config.transcription().workers() + 3)));
        toClose.add(db);
        var transcripts = new TranscriptRepository(db.dsl());
        RecordingStorage storage = storage(config.recording());
        if (storage instanceof AutoCloseable c) toClose.add(c);
        SpeechRecognizer asr = SpeechRecognizers.load(config.speech(), null, config.transcription().workers(), config.transcription().workers());
        toClose.add(asr);
        Supplier<QaRules> qa = qaRules(Path.of(config.operator().dir()));
        qa.get();
        workerId = TranscriptionWorker.defaultWorkerId();
        worker = new TranscriptionWorker(transcripts, pcm -> asr.transcribe(pcm).stream().map(w -> new TimedWord(w.word(), w.startMs(), w.endMs())).toList(),
                Duration.ofMillis(config.transcription().pollIntervalMillis()), config.transcription().maxAttempts(), qa, config.recording().keepUnredacted())
                .storage(storage).threads(config.transcription().workers())
                .lease(workerId, Duration.ofSeconds(config.transcription().leaseSeconds()))
                // With an object store, a node's recording is taken once it is uploaded (at call end); a local store
                // means this worker shares the node's disk.
                .archivedOnly(!(storage instanceof LocalStorage));
        if (metricsPort >= 0) {
            var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            queueGauges(metrics, transcripts);
            FunctionCounter.builder("foresight_transcription_audio_seconds", worker, TranscriptionWorker::audioSeconds).register(metrics);
            FunctionCounter.builder("foresight_transcription_cpu_seconds", worker, TranscriptionWorker::cpuSeconds).register(metrics);
            FunctionCounter.builder("foresight_transcription_refused_results", worker, TranscriptionWorker::refusedResults)
                    .description("results discarded because the worker had lost the job's lease").register(metrics);
            Gauge.builder("foresight_transcription_in_flight", worker, TranscriptionWorker::inFlight).register(metrics);
            http = HttpServer.create(new InetSocketAddress(config.http().host(), metricsPort), 16);
            http.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4", metrics.scrape()));
            http.createContext("/health", ex -> respond(ex, "application/json",
                    "{\"status\":\"up\",\"role\":\"transcribe-worker\",\"worker\":\"" + workerId + "\",\"recordings\":\"" + storage.describe() + "\"}"));
            http.start();
        }
        worker.start();
        log.info("event=transcribe_worker_started worker={} threads={} lease_s={} store={} metrics_port={}", workerId, config.transcription().workers(),
                config.transcription().leaseSeconds(), storage.describe(), http == null ? "-" : http.getAddress().getPort());
        return this;
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String type, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /**
     * The operator folder's QA rules ({@code qa-rules.yml} only: no flows run here, no intent model is trained),
     * read again when the file changes; a file with mistakes keeps the rules read before (logged with file:line).
     */
    private static Supplier<QaRules> qaRules(Path dir) {
        Path file = dir.resolve("qa-rules.yml");
        var current = new java.util.concurrent.atomic.AtomicReference<QaRules>(QaRules.DEFAULT);
        var stamp = new java.util.concurrent.atomic.AtomicReference<String>("");
        return () -> {
            String now;
            try {
                now = java.nio.file.Files.exists(file) ? java.nio.file.Files.getLastModifiedTime(file) + "/" + java.nio.file.Files.size(file) : "none";
            } catch (java.io.IOException e) {
                now = "unreadable";
            }
            if (!now.equals(stamp.getAndSet(now))) {
                try {
                    current.set(foresight.flows.load.OperatorFiles.loadQaRules(dir));
                    log.info("event=qa_rules_loaded file={} categories={}", file, current.get().categories().size());
                } catch (foresight.flows.load.FlowLoadException e) {
                    log.warn("event=qa_rules_rejected error={} (the rules read before stay)", e.getMessage());
                }
            }
            return current.get();
        };
    }

    public String workerId() { return workerId; }

    public int metricsPort() { return http == null ? -1 : http.getAddress().getPort(); }

    @Override
    public void close() {
        if (worker != null) worker.close();
        if (http != null) http.stop(0);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("event=close_failed what={} error={}", toClose.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        log.info("event=transcribe_worker_stopped worker={}", workerId);
    }
}
