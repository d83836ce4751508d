package foresight.app;

import foresight.acd.Acd;
import foresight.app.config.ForesightConfig;
import foresight.app.contact.AcdStore;
import foresight.app.contact.AlertMonitor;
import foresight.app.contact.EventHub;
import foresight.app.http.ContactPages;
import foresight.db.acd.AcdRepository;
import foresight.app.demo.DemoData;
import foresight.app.http.HttpApi;
import foresight.app.learn.PredictorTraining;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.agent.AgentRepository;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerRepository;
import foresight.db.transcript.TranscriptRepository;
import foresight.flows.load.FlowRegistry;
import foresight.flows.run.FlowRunner;
import foresight.flows.run.Prompts;
import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.recording.RecordingStore;
import foresight.recording.RecordingRetention;
import foresight.recording.transcribe.TimedWord;
import foresight.recording.transcribe.TranscriptionWorker;
import foresight.recording.wav.WavWriter;
import foresight.sip.SipConfig;
import foresight.sip.SipGateway;
import foresight.sip.guard.FloodGuard;
import foresight.sip.register.Registrar;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.tts.SpeechSynthesizer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole server wired from one {@link ForesightConfig}: database, speech, flows, SIP/RTP, recording,
 * transcription and HTTP. Start once, close once (closing stops in the reverse order).
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final ForesightConfig config;
    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Database db;
    private SipGateway sip;
    private SpeechRecognizer asr;
    private FlowRegistry flows;
    private foresight.flows.load.TrunkRegistry trunks;
    private foresight.app.flows.FlowVersions flowVersions;
    private FloodGuard guard;
    private PredictorTraining training;
    private CallReasonPredictor predictorRef;
    private HttpApi http;
    private String adminToken;
    private String qaToken;
    private RecordingRetention retention;
    private Acd acd;
    private AcdStore acdStore;
    private EventHub events;
    private AlertMonitor alerts;
    private Pacer pacerRef;
    private foresight.recording.storage.RecordingStorage recordingStorage;
    private foresight.sip.tls.TlsIdentity tls; // null: SIP over TLS off

    public Server(ForesightConfig config) { this.config = config; }

    /**
     * The SIP/TLS certificate and key: the configured PEM files, or (both empty) a self-signed pair kept beside the
     * data directory and reused on later starts. Null when sip.tlsPort is 0.
     */
    private foresight.sip.tls.TlsIdentity tlsIdentity(ForesightConfig.Sip sc) throws foresight.sip.tls.TlsSetupException {
        if (sc.tlsPort() == 0) return null;
        boolean certGiven = !sc.tlsCert().isBlank();
        boolean keyGiven = !sc.tlsKey().isBlank();
        if (certGiven != keyGiven) throw new foresight.sip.tls.TlsSetupException("sip.tlsCert and sip.tlsKey must be given together (or both left empty for a self-signed certificate)");
        var id = certGiven ? foresight.sip.tls.TlsIdentity.load(Path.of(sc.tlsCert()), Path.of(sc.tlsKey()), clock.instant())
                : foresight.sip.tls.TlsIdentity.selfSigned(Path.of(config.database().embeddedDataDir()).toAbsolutePath().getParent(), sc.host(), clock.instant());
        log.info("event=sip_tls_identity cert={} self_signed={} sha256={}", id.certFile(), !certGiven, id.fingerprint());
        return id;
    }

    /** SHA-256 fingerprint of the SIP/TLS certificate, or null if TLS is off. */
    public String tlsFingerprint() { return tls == null ? null : tls.fingerprint(); }

    public Server start() throws Exception {
        long t0 = System.nanoTime();
        tls = tlsIdentity(config.sip()); // first: a bad certificate stops start-up before anything else runs
        var dbc = config.database();
        db = Database.open(new DatabaseConfig(blankToNull(dbc.url()), dbc.user(), dbc.password(), Path.of(dbc.embeddedDataDir()), dbc.poolSize()));
        toClose.add(db);
        db.keepOpenAtExit(Duration.ofSeconds(config.sip().drainSeconds() + 30)); // SIGTERM: drain, write the last rows, then stop it
        foresight.acd.cluster.AcdWakeups wakeups = null;
        foresight.acd.QueueStore sharedLine = null; // null: a single node, the ACD pairs callers and agents in memory
        if (config.cluster().enabled()) { // membership (heartbeat, janitor, LISTEN) and the queue lines shared in PostgreSQL
            wakeups = new foresight.acd.cluster.AcdWakeups();
            var node = new foresight.acd.cluster.ClusterNode(config.cluster().asAcdConfig(), db, wakeups);
            node.start();
            toClose.add(node); // closed after the ACD: leaves the cluster, releasing its rows at once
            sharedLine = new foresight.acd.cluster.PostgresQueueStore(node);
        }
        var customers = new CustomerRepository(db.dsl());
        var calls = new CallRepository(db.dsl());
        var agents = new AgentRepository(db.dsl());
        var transcripts = new TranscriptRepository(db.dsl());
        var users = new UserRepository(db.dsl());
        recoverAfterCrash(calls, transcripts);
        if (config.demo().seed() && DemoData.seedIfEmpty(customers, agents, config.sip().realm(), clock)) log.info("event=demo_data_seeded");
        adminToken = DemoData.ensureAdmin(users);
        if (adminToken != null) {
            Path tokenFile = Path.of(config.database().embeddedDataDir()).resolveSibling("admin-token");
            Files.createDirectories(tokenFile.toAbsolutePath().getParent());
            Files.writeString(tokenFile, adminToken + "\n");
        }
        if (config.demo().seed()) {
            // A demo QA reviewer for the QA pages (recordings are served to the qa and supervisor roles, not admin).
            qaToken = DemoData.ensureUser(users, "reviewer", "qa");
            if (qaToken != null) Files.writeString(Path.of(config.database().embeddedDataDir()).resolveSibling("qa-token"), qaToken + "\n");
        }

        FlowRegistry.Gate gate = config.operator().requireTests()
                ? new foresight.app.flows.FlowTestGate(Path.of(config.operator().dir()), config.operator().entryFlow(), customers, clock)
                : candidate -> java.util.List.of();
        // One small pool runs every periodic job (flow reload, retraining, retention, uploads, queue alerts): no sleep loops.
        var timers = java.util.concurrent.Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("timer-", 0).factory());
        toClose.add(timers::shutdownNow);
        flows = new FlowRegistry(Path.of(config.operator().dir()), gate).watch(timers, Duration.ofMillis(config.operator().reloadIntervalMillis()));
        toClose.add(flows);
        trunks = new foresight.flows.load.TrunkRegistry(config.operator().trunksPath())
                .watch(timers, Duration.ofMillis(config.operator().reloadIntervalMillis()));
        toClose.add(trunks);
        flowVersions = new foresight.app.flows.FlowVersions(Path.of(config.operator().dir()), new foresight.db.flow.FlowVersionRepository(db.dsl()), clock);
        boolean[] started = {false};
        flows.onLive(set -> {
            flowVersions.wentLive(set, started[0] ? "reload" : "start");
            started[0] = true;
        });
        asr = SpeechRecognizers.load(config.speech(), null, config.speech().maxRecognisers(), config.transcription().workers());
        toClose.add(asr);
        var tts = SpeechSynthesizer.open(config.speech().voice());
        toClose.add(tts);
        var prompts = new Prompts(tts);
        foresight.flows.run.PromptsAhead.fixedPrompts(flows.current(), prompts);

        var pacer = new Pacer();
        pacerRef = pacer;
        toClose.add(pacer);
        var sc = config.sip();
        var rtp = new RtpEngine(sc.bindHost(), sc.rtpPortMin(), sc.rtpPortMax(), 1);
        toClose.add(rtp);
        var predictor = new CallReasonPredictor();
        predictorRef = predictor;
        training = new PredictorTraining(calls, customers, predictor, config.prediction().minExamples(), clock)
                .every(timers, Duration.ofMinutes(config.prediction().retrainMinutes()));
        toClose.add(training);
        var ac = config.acd();
        acd = new Acd(foresight.acd.AgentDirectory.of(agents), clock, new Acd.Settings(ac.missedOffers(), Duration.ofMinutes(ac.notReadyMinutes()),
                ac.loginOnRegister(), ac.callbackAttempts(), Duration.ofSeconds(ac.callbackRetrySeconds())), flows::current, sharedLine);
        toClose.add(acd);
        if (wakeups != null) wakeups.attach(acd);
        acdStore = new AcdStore(new AcdRepository(db.dsl()), agents);
        toClose.add(acdStore);
        acd.addListener(acdStore);
        events = new EventHub();
        acd.addListener(e -> events.publish(ContactPages.event(e)));
        // Callbacks go to acd.callbackRoute when set, else straight to the number over a trunk from trunks.yml (the
        // gateway routes phone numbers); with neither, callbacks are off.
        FlowRunner.Dialer dialer = blankToNull(ac.callbackRoute()) == null && trunks.current().trunks().isEmpty() ? null : (number, ring) -> {
            String target = blankToNull(ac.callbackRoute()) == null ? number
                    : ac.callbackRoute().replace("{number}", number.replaceAll("[^0-9+*#]", ""));
            return foresight.call.Call.dial(sip, pacerRef, target, config.sip().realm(), ring);
        };
        var runner = new FlowRunner(new FlowRunner.Services(flows, config.operator().entryFlow(), prompts, asr, customers, calls,
                transcripts, new RecordingStore(Path.of(config.recording().dir())), acd, predictor, clock, dialer));
        toClose.add(runner); // after the SIP gateway has stopped, writes the call rows still queued; before the database closes
        var g = sc.guard();
        guard = new FloodGuard(new FloodGuard.Settings(g.requestsPerSecond(), g.burst(), g.maxAuthFailures(), Duration.ofMinutes(g.banMinutes()),
                g.maxCallsPerSecond()), foresight.sip.guard.TrustedPeers.of(sc.trusted()), clock);
        sip = new SipGateway(new SipConfig(sc.host(), sc.port(), sc.rtpPortMin(), sc.rtpPortMax(), sc.realm(),
                Duration.ofSeconds(sc.ringTimeoutSeconds()), Duration.ofMinutes(sc.maxCallMinutes()), Duration.ofSeconds(sc.rtpTimeoutSeconds()), sc.bindHost(),
                sc.tlsPort(), tls == null ? "" : tls.certFile().toString(), tls == null ? "" : tls.keyFile().toString(), SipConfig.SrtpPolicy.of(sc.srtp())),
                rtp, pacer, new Registrar(agents, sc.realm(), clock, acd::registered), runner, guard).useTrunks(trunks::current);
        double warmupLateness = foresight.call.MediaWarmup.run(rtp, pacer, sc.bindHost(), Duration.ofMillis(1500));
        log.info("event=media_warmed pacer_max_lateness_ms={}", String.format("%.1f", warmupLateness));
        sip.start();
        toClose.add(sip);

        var rc = config.recording();
        foresight.recording.storage.RecordingStorage storage = new foresight.recording.storage.LocalStorage();
        if ("s3".equalsIgnoreCase(rc.storage())) {
            var s3 = new foresight.recording.storage.S3Storage(new foresight.recording.storage.S3Storage.Settings(rc.s3Endpoint(), rc.s3Region(),
                    rc.s3Bucket(), rc.s3Prefix(), rc.s3AccessKey(), rc.s3SecretKey()));
            toClose.add(s3);
            storage = s3;
        } else if (!"local".equalsIgnoreCase(rc.storage())) {
            throw new IllegalArgumentException("recording.storage must be local or s3, was '" + rc.storage() + "'");
        }
        log.info("event=recording_storage store={}", storage.describe());
        recordingStorage = storage;
        if (config.recording().retentionDays() > 0) {
            retention = new RecordingRetention(transcripts, config.recording().retentionDays(), clock, storage).start(timers);
            toClose.add(retention);
        }
        TranscriptionWorker worker = null;
        if (config.transcription().enabled()) {
            worker = new TranscriptionWorker(transcripts, pcm -> asr.transcribe(pcm).stream()
                    .map(w -> new TimedWord(w.word(), w.startMs(), w.endMs())).toList(),
                    Duration.ofMillis(config.transcription().pollIntervalMillis()), config.transcription().maxAttempts(),
                    () -> flows.current().qa(), config.recording().keepUnredacted()).storage(storage).threads(config.transcription().workers())
                    .lease(TranscriptionWorker.defaultWorkerId(), Duration.ofSeconds(config.transcription().leaseSeconds())).start();
            toClose.add(worker);
        } else if (!(storage instanceof foresight.recording.storage.LocalStorage)) {
            // Transcribed elsewhere (scripts/foresight transcribe-worker): recordings go to the store at call end.
            toClose.add(new foresight.recording.storage.RecordingUploader(transcripts, storage, Duration.ofMillis(config.transcription().pollIntervalMillis())).start(timers));
        }

        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Gauge.builder("foresight_sip_legs_active", sip, SipGateway::activeLegs).description("SIP call legs in progress").register(metrics);
        Gauge.builder("foresight_media_streams", pacer, Pacer::taskCount).description("calls whose media the pacer runs").register(metrics);
        foresight.app.metrics.PacerLateness.observe(pacer, metrics);
        Gauge.builder("foresight_asr_recognisers_free", asr, SpeechRecognizer::availableRecognisers).register(metrics);
        Gauge.builder("foresight_transcription_jobs_pending", transcripts, TranscriptRepository::queuedJobs).register(metrics);
        foresight.app.transcribe.TranscribeWorkerProcess.queueGauges(metrics, transcripts);
        Gauge.builder("foresight_prompts_cached", prompts, Prompts::cached).register(metrics);
        if (worker != null) {
            FunctionCounter.builder("foresight_transcription_audio_seconds", worker, TranscriptionWorker::audioSeconds)
                    .description("seconds of recorded calls transcribed; divided by the CPU seconds below: audio seconds per CPU second").register(metrics);
            FunctionCounter.builder("foresight_recording_archive_failures", worker, TranscriptionWorker::archiveFailures)
                    .description("recordings that could not be moved to their store (recording.storage) and stayed local").register(metrics);
            FunctionCounter.builder("foresight_transcription_cpu_seconds", worker, TranscriptionWorker::cpuSeconds)
                    .description("CPU seconds spent transcribing (the recogniser, QA and redaction included)").register(metrics);
        }
        FunctionCounter.builder("foresight_sip_dropped_scanner", guard, FloodGuard::droppedScanner).description("requests dropped: scanner user agent").register(metrics);
        FunctionCounter.builder("foresight_sip_dropped_rate_limited", guard, FloodGuard::droppedRateLimited).description("requests dropped: over the per-source rate").register(metrics);
        FunctionCounter.builder("foresight_sip_dropped_banned", guard, FloodGuard::droppedBanned).description("requests dropped: source banned after failed logins").register(metrics);
        FunctionCounter.builder("foresight_sip_bans", guard, FloodGuard::bans).description("sources banned after failed logins").register(metrics);
        FunctionCounter.builder("foresight_sip_refused_overload", guard, FloodGuard::refusedOverload)
                .description("new calls answered 503: the node was at sip.guard.maxCallsPerSecond").register(metrics);
        FunctionCounter.builder("foresight_predictor_not_promoted", training, PredictorTraining::notPromoted)
                .description("retrained issue predictors kept out because they validated worse than the live one").register(metrics);
        FunctionCounter.builder("foresight_call_write_failures", runner, FlowRunner::failedWrites)
                .description("call-row and timeline writes that failed (each logged with its call id)").register(metrics);
        Gauge.builder("foresight_call_writes_pending", runner, FlowRunner::pendingWrites).description("call-row and timeline writes queued for the database").register(metrics);
        alerts = new AlertMonitor(acd, events, metrics, clock, ac.alertWebhook()).start(timers);
        toClose.add(alerts);
        var contact = new ContactPages(acd, events, alerts, agents, customers, calls, transcripts, users, new AcdRepository(db.dsl()),
                flows::current, clock, config.operator().dir()).monitorControl(runner::monitor);
        var digestConfig = config.digest();
        var digests = new foresight.app.digest.DigestBuilder(new foresight.db.digest.DigestRepository(db.dsl()), digestConfig.baseUrl());
        if (digestConfig.enabled()) {
            toClose.add(new foresight.app.digest.DigestScheduler(java.time.LocalTime.parse(digestConfig.time()), clock, digests::build,
                    new foresight.app.digest.DigestDelivery(digestConfig)).start());
        }
        http = new HttpApi(calls, transcripts, users, metrics, this::health, () -> training.trainNow()).recordingControl(runner::pauseRecording)
                .predictorStatus(training::status).flowVersions(flowVersions).recordingStorage(storage).contactCenter(contact)
                .digest(new foresight.app.digest.DigestPages(digests, clock))
                .flowPage(flows::current, new foresight.db.call.FlowTrafficRepository(db.dsl()), config.operator().entryFlow())
                .start(config.http().host(), config.http().port());
        toClose.add(http);
        log.info("event=server_ready sip={}:{} http={} ms={}", sc.host(), sc.port(), http.port(), (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /** Calls left active and recordings left open by a crash: headers repaired, calls marked failed, audio queued for transcription. */
    private void recoverAfterCrash(CallRepository calls, TranscriptRepository transcripts) {
        for (var open : transcripts.openRecordings()) {
            try {
                long ms = Files.exists(Path.of(open.path())) ? WavWriter.repairHeader(Path.of(open.path())) : 0;
                transcripts.recordingClosed(open.callId(), ms);
                log.warn("call={} event=recording_recovered path={} duration_ms={}", open.callId(), open.path(), ms);
            } catch (Exception e) {
                log.error("call={} event=recording_recovery_failed path={}", open.callId(), open.path(), e);
            }
        }
        List<String> failed = calls.failActiveCalls(clock.instant());
        if (!failed.isEmpty()) log.warn("event=calls_marked_failed count={} reason=node_restart", failed.size());
    }

    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("database", db.healthy());
        h.put("sip", sip != null && sip.running());
        h.put("asr", asr != null && asr.decodesSilence());
        h.put("recordings", recordingStorage == null ? "starting" : recordingStorage.describe());
        h.put("flowVersion", flows.current().version());
        h.put("predictor", training == null ? "starting" : learnedOrRules());
        h.put("flowErrors", flows.lastErrors().stream().map(Object::toString).toList());
        return h;
    }

    private String learnedOrRules() {
        return predictorRef != null && predictorRef.learned().isPresent()
                ? "learned from " + predictorRef.learned().get().examples() + " calls" : "reasons.yml rules (not enough labelled calls yet)";
    }

    public ForesightConfig config() { return config; }

    public int httpPort() { return http.port(); }

    /** The admin API token if it was created by this start (first run), else null. */
    public String newAdminToken() { return adminToken; }

    /** The demo QA reviewer's token if this start created it (also saved as data/qa-token), else null. */
    public String newQaToken() { return qaToken; }

    public Database database() { return db; }

    /** The server's Vosk recogniser (for tools and tests that transcribe a recording again). */
    public SpeechRecognizer speech() { return asr; }

    public FloodGuard floodGuard() { return guard; }

    /** The SIP side of this node (tests read its legs). */
    public SipGateway sipGateway() { return sip; }

    /** The live trunks.yml. */
    public foresight.flows.load.TrunkRegistry trunks() { return trunks; }

    public PredictorTraining predictorTraining() { return training; }

    /** The live issue predictor (its model is swapped by {@link #predictorTraining()}). */
    public CallReasonPredictor predictor() { return predictorRef; }

    /** The ACD (queues and agents) of this node. */
    public Acd acd() { return acd; }

    /** Waits until the ACD's decisions so far are in PostgreSQL (tests). */
    public void flushAcdStore() { acdStore.flush(); }

    public AlertMonitor alerts() { return alerts; }

    /** Where recordings are kept (local folder or S3 bucket). */
    public foresight.recording.storage.RecordingStorage recordingStorage() { return recordingStorage; }

    /**
     * A planned stop's first half: new calls and a proxy's OPTIONS probes are answered 503 (Kamailio's dispatcher
     * moves on), calls in progress go on until they end or {@code max} has passed. Returns true when none is left.
     * {@link #close} then stops the rest; calls still up at that point are ended and their rows marked.
     */
    public boolean drain(Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        sip.drain();
        while (sip.activeLegs() > 0 && System.nanoTime() - t0 < max.toNanos()) Thread.sleep(200);
        int left = sip.activeLegs();
        log.info("event=drain_finished legs_left={} ms={}", left, (System.nanoTime() - t0) / 1_000_000);
        return left == 0;
    }

    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("event=shutdown_step_failed step={} error={}", toClose.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        log.info("event=server_stopped");
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s; }
}
