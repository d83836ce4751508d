package foresight.recording.transcribe;

import foresight.db.transcript.PlayedPrompt;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import foresight.db.transcript.TranscriptionJob;
import foresight.db.transcript.QaHitRow;
import foresight.recording.qa.QaAnalyzer;
import foresight.recording.qa.QaRules;
import foresight.recording.qa.Redactor;
import foresight.recording.wav.WavReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Takes transcription jobs from PostgreSQL (any node may run one) and turns each stereo recording into a
 * dialogue: left channel = caller, recognised and cut into segments at pauses; right = what the caller heard: the
 * IVR's prompts as the timeline kept them ({@code ivr}) and the agent, recognised ({@link OutboundTranscript}). Failures are retried
 * up to {@code maxAttempts}. Runs on {@link #threads} low-priority platform threads until closed; a recording that cannot be read
 * or decoded (corrupt, truncated mid-header) fails its job with the reason stored, and the thread takes the next job.
 */
public final class TranscriptionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscriptionWorker.class);
    private static final long SEGMENT_GAP_MS = 800;

    private final TranscriptRepository repository;
    private final ChannelTranscriber transcriber;
    private final Duration pollInterval;
    private final int maxAttempts;
    private final Supplier<QaRules> rules;
    private final boolean keepUnredacted;
    private volatile foresight.recording.storage.RecordingStorage storage = new foresight.recording.storage.LocalStorage();
    private final java.util.concurrent.atomic.AtomicLong archiveFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong audioMillis = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Seconds of recorded audio (both channels' duration, counted once) transcribed so far. */
    public double audioSeconds() { return audioMillis.get() / 1000.0; }

    /** CPU seconds the transcriptions took (the worker threads, the recogniser included). */
    public double cpuSeconds() { return cpuNanos.get() / 1e9; }
    private final List<Thread> threads = new ArrayList<>();
    private int threadCount = 1;
    private String workerId = defaultWorkerId();
    private Duration lease = Duration.ofSeconds(30);
    private boolean archivedOnly;
    private final java.util.concurrent.ConcurrentHashMap<Long, TranscriptionJob> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private java.util.concurrent.ScheduledExecutorService heartbeat;
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    /** host:pid, so a job's {@code locked_by} names the process that holds it. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /**
     * Who holds the jobs taken here, and for how long without a renewal: while a job is worked its lease is renewed
     * every third of {@code lease}; a worker that dies stops renewing, and any worker takes the job again once the
     * lease ran out. Set before {@link #start}.
     */
    public TranscriptionWorker lease(String workerId, Duration lease) {
        if (lease.toMillis() < 300) throw new IllegalArgumentException("transcription lease must be >= 300 ms, was " + lease);
        this.workerId = workerId;
        this.lease = lease;
        return this;
    }

    /** Take only jobs whose recording is already in the object store (a worker on a machine without the node's disk). */
    public TranscriptionWorker archivedOnly(boolean archivedOnly) {
        this.archivedOnly = archivedOnly;
        return this;
    }

    /** Results refused because this worker no longer held the job's lease when it finished. */
    public long refusedResults() { return refused.get(); }

    /** Jobs being worked here now. */
    public int inFlight() { return inFlight.size(); }

    /** Without QA rules or redaction. */
    public TranscriptionWorker(TranscriptRepository repository, ChannelTranscriber transcriber, Duration pollInterval, int maxAttempts) {
        this(repository, transcriber, pollInterval, maxAttempts, () -> new QaRules(List.of(), false), false);
    }

    /**
     * @param rules          the live QA rules (read for every job, so an edit applies to the next call transcribed)
     * @param keepUnredacted keep the original audio beside the redacted one ({@code NAME.unredacted.wav}); by
     *                       default the redacted copy replaces it
     */
    public TranscriptionWorker(TranscriptRepository repository, ChannelTranscriber transcriber, Duration pollInterval, int maxAttempts,
                               Supplier<QaRules> rules, boolean keepUnredacted) {
        this.rules = rules;
        this.keepUnredacted = keepUnredacted;
        this.repository = repository;
        this.transcriber = transcriber;
        this.pollInterval = pollInterval;
        this.maxAttempts = maxAttempts;
    }

    /** Where finished recordings go once transcribed and redacted (default: they stay in the local folder). */
    public TranscriptionWorker storage(foresight.recording.storage.RecordingStorage storage) {
        this.storage = storage;
        return this;
    }

    /** Recordings that could not be moved to their store (they stay local; the warning names them). */
    public long archiveFailures() { return archiveFailures.get(); }

    /** How many jobs run at once (each on its own thread); set before {@link #start}. */
    public TranscriptionWorker threads(int n) {
        if (n < 1) throw new IllegalArgumentException("transcription threads=" + n);
        this.threadCount = n;
        return this;
    }

    /** The nice value of the transcription threads: about a tenth of a call thread's weight when both want the CPU. */
    static final int NICE = 10;

    public TranscriptionWorker start() {
        heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("transcription-lease").daemon().unstarted(r));
        long every = Math.max(100, lease.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        // Platform threads, so the CPU time the recogniser spends on them can be measured (virtual threads report
        // none), each at nice 10 (Niceness): signalling and media threads win the CPU whenever they want it.
        for (int i = 0; i < threadCount; i++) {
            threads.add(Thread.ofPlatform().name("transcription-worker-" + i).daemon().priority(Thread.MIN_PRIORITY).start(() -> {
                Niceness.lowerCurrentThread(NICE);
                run();
            }));
        }
        return this;
    }

    private void run() {
        while (running) {
            try {
                if (!runOnce()) Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event=transcription_poll_failed", e);
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void renewLeases() {
        for (TranscriptionJob job : inFlight.values()) {
            try {
                if (!repository.renew(job, lease) && inFlight.remove(job.id()) != null) {
                    log.warn("call={} event=transcription_lease_lost worker={} epoch={}", job.callId(), job.lockedBy(), job.leaseEpoch());
                }
            } catch (RuntimeException e) {
                log.warn("call={} event=transcription_lease_renew_failed error={}", job.callId(), e.toString());
            }
        }
    }

    /** A pause after transcribing, before the result is written: end-to-end tests use it to kill a worker mid-job. */
    private static final long TEST_HOLD_MILLIS = Long.getLong("foresight.transcription.testHoldMillis", 0);

    /** Processes one job if there is one; returns whether it did. */
    public boolean runOnce() {
        var claimed = repository.claim(workerId, lease, maxAttempts, archivedOnly);
        if (claimed.isEmpty()) return false;
        TranscriptionJob job = claimed.get();
        inFlight.put(job.id(), job);
        log.info("call={} event=transcription_taken worker={} attempt={} epoch={} recording={}", job.callId(), job.lockedBy(), job.attempts(), job.leaseEpoch(), job.recordingPath());
        Path fetched = null;
        try {
            if (job.recordingPath().startsWith("s3://")) fetched = fetch(job);
            process(job, fetched);
        } finally {
            inFlight.remove(job.id());
            if (fetched != null) deleteQuietly(fetched.getParent());
        }
        return true;
    }

    /** Copies a recording from the object store into a temporary folder of its own, as CALLID.wav. */
    private Path fetch(TranscriptionJob job) {
        try {
            Path dir = Files.createTempDirectory("foresight-transcribe-");
            Path local = dir.resolve(job.callId() + ".wav");
            var audio = storage.open(job.recordingPath());
            try (var in = audio.in()) {
                Files.copy(in, local);
            }
            return local;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("fetching " + job.recordingPath() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            log.warn("event=transcription_temp_not_deleted path={} error={}", dir, e.toString());
        }
    }

    private void process(TranscriptionJob job, Path fetched) {
        long t0 = System.nanoTime();
        long cpu0 = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        try {
            if (fetched == null && job.recordingPath().startsWith("s3://")) throw new IllegalStateException("recording not fetched");
            Path path = fetched != null ? fetched : Path.of(job.recordingPath());
            var audio = WavReader.read(path);
            QaRules qa = rules.get();
            List<Segment> segments = new ArrayList<>();
            Map<String, List<TimedWord>> byChannel = new LinkedHashMap<>();
            List<List<Redactor.Span>> spans = new ArrayList<>();
            Long agentJoinedMs = repository.agentJoinedMs(job.callId());
            List<PlayedPrompt> prompts = repository.playedPrompts(job.callId());
            // Left: the caller, recognised whole. Right: the IVR's prompts as they were said, and the agent recognised.
            List<Redactor.Span> callerSpans = new ArrayList<>();
            List<TimedWord> callerWords = redactIf(qa.redact(), transcriber.transcribe(audio.channels()[0]), callerSpans);
            spans.add(callerSpans);
            byChannel.put("caller", callerWords);
            segments.addAll(segments("caller", callerWords));
            if (audio.channels().length > 1) {
                var heard = OutboundTranscript.split(decode(audio.channels()[1], audio.sampleRateHz(), OutboundTranscript.decodeFromMs(prompts, agentJoinedMs)),
                        prompts, agentJoinedMs);
                List<Redactor.Span> outSpans = new ArrayList<>();
                List<TimedWord> ivrWords = redactIf(qa.redact(), heard.ivr(), outSpans);
                List<TimedWord> agentWords = redactIf(qa.redact(), heard.agent(), outSpans);
                if (qa.redact()) outSpans.addAll(OutboundTranscript.redactedSpans(prompts));
                spans.add(outSpans);
                byChannel.put("agent", agentWords);
                byChannel.put("ivr", concat(ivrWords, OutboundTranscript.words(prompts)));
                segments.addAll(segments("ivr", ivrWords));
                segments.addAll(OutboundTranscript.segments(prompts));
                segments.addAll(segments("agent", agentWords));
            }
            segments.sort(Comparator.comparingLong(Segment::startMs));
            int redactions = spans.stream().mapToInt(List::size).sum();
            if (redactions > 0) redactAudio(job.callId(), path, audio, spans);
            List<QaHitRow> hits = List.of();
            Integer score = null;
            String missing = null;
            if (!qa.categories().isEmpty()) {
                var result = QaAnalyzer.analyze(qa, byChannel, agentJoinedMs);
                hits = result.hits().stream().map(h -> new QaHitRow(h.category(), h.channel(), h.phrase(), h.startMs(), h.endMs())).toList();
                score = result.score();
                missing = result.missingRequired().isEmpty() ? null : String.join(",", result.missingRequired());
            }
            if (TEST_HOLD_MILLIS > 0) Thread.sleep(TEST_HOLD_MILLIS);
            inFlight.remove(job.id()); // finishing: no more renewals (the fenced write below decides)
            if (!repository.complete(job, segments, hits, score, missing, redactions)) {
                refused.incrementAndGet();
                log.warn("call={} event=transcription_result_refused reason=lease_lost worker={} epoch={} attempt={}", job.callId(), job.lockedBy(),
                        job.leaseEpoch(), job.attempts());
                return;
            }
            if (agentJoinedMs != null) {
                String why = qa.reviewSampleRate() > 0 && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < qa.reviewSampleRate() ? "random" : null;
                if (why == null && qa.reviewMinPerAgentPerDay() > 0) {
                    int already = repository.sampledSameDayForAgentOf(job.callId());
                    if (already >= 0 && already < qa.reviewMinPerAgentPerDay()) why = "agent_minimum";
                }
                if (why != null) {
                    repository.sampleForReview(job.callId());
                    log.info("call={} event=sampled_for_review reason={} rate={} min_per_agent_per_day={}", job.callId(), why, qa.reviewSampleRate(), qa.reviewMinPerAgentPerDay());
                }
            }
            try {
                if (fetched == null) {
                    String location = storage.archive(job.callId(), path);
                    if (!location.equals(path.toString())) repository.recordingMoved(job.callId(), location);
                } else if (redactions > 0) {
                    // Fetched from the store: only a redacted copy goes back (the unredacted original stays where it was
                    // only if configured to be kept).
                    String location = storage.archive(job.callId(), path);
                    if (!location.equals(job.recordingPath())) {
                        repository.recordingMoved(job.callId(), location);
                        if (!keepUnredacted) storage.delete(job.recordingPath());
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                archiveFailures.incrementAndGet();
                log.warn("call={} event=recording_archive_failed store={} path={} error={}", job.callId(), storage.describe(), path, e.toString());
            }
            long audioMs = audio.channels()[0].length * 1000L / audio.sampleRateHz();
            long cpuNs = cpu0 >= 0 && THREADS.getCurrentThreadCpuTime() >= 0 ? THREADS.getCurrentThreadCpuTime() - cpu0 : 0;
            audioMillis.addAndGet(audioMs);
            cpuNanos.addAndGet(cpuNs);
            log.info("call={} event=transcribed segments={} qa_hits={} qa_score={} redactions={} audio_ms={} cpu_ms={} ms={}", job.callId(), segments.size(),
                    hits.size(), score == null ? "-" : score, redactions, audioMs, cpuNs / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            boolean released = repository.release(job);
            log.info("call={} event=transcription_interrupted released={} (else retried once its lease runs out)", job.callId(), released);
        } catch (Exception e) {
            // A recording fetched from the store is named by its location, not the temporary copy.
            String reason = fetched == null ? e.toString() : e.toString().replace(fetched.toString(), job.recordingPath());
            log.warn("call={} event=transcription_failed attempt={} error={}", job.callId(), job.attempts(), reason);
            inFlight.remove(job.id());
            if (!repository.fail(job, reason, maxAttempts)) {
                refused.incrementAndGet();
                log.warn("call={} event=transcription_failure_refused reason=lease_lost", job.callId());
            }
        }
    }

    /** {@code words} with personal data replaced when {@code redact}; the replaced stretches go to {@code spans}. */
    private static List<TimedWord> redactIf(boolean redact, List<TimedWord> words, List<Redactor.Span> spans) {
        if (!redact) return words;
        var r = Redactor.redact(words);
        spans.addAll(r.spans());
        return r.words();
    }

    /** The channel's words from {@code fromMs} on (none when negative), timed from the start of the recording. */
    private List<TimedWord> decode(short[] channel, int rateHz, long fromMs) throws Exception {
        int from = (int) Math.min(channel.length, fromMs * rateHz / 1000);
        if (fromMs < 0 || from >= channel.length) return List.of();
        if (from == 0) return transcriber.transcribe(channel);
        return transcriber.transcribe(java.util.Arrays.copyOfRange(channel, from, channel.length)).stream()
                .map(w -> new TimedWord(w.word(), w.startMs() + fromMs, w.endMs() + fromMs)).toList();
    }

    private static List<TimedWord> concat(List<TimedWord> a, List<TimedWord> b) {
        List<TimedWord> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparingLong(TimedWord::startMs));
        return all;
    }

    /** Tone level and margin around a redacted stretch, so no edge of a digit survives. */
    private static final int TONE_AMPLITUDE = 6000;
    private static final int MARGIN_SAMPLES = 8 * 150;

    /**
     * Overwrites each redacted stretch of a channel (plus 150 ms either side) with a 1 kHz tone, writes the copy
     * next to the recording and moves it into place; the original is kept as NAME.unredacted.wav only if
     * configured. A crash midway leaves either the original or the redacted file, never half of one.
     */
    private void redactAudio(String callId, Path path, WavReader.Audio audio, List<List<Redactor.Span>> spans) throws Exception {
        if (audio.channels().length != 2) {
            log.warn("call={} event=audio_not_redacted reason=channels_{}", callId, audio.channels().length);
            return;
        }
        short[][] ch = {audio.channels()[0].clone(), audio.channels()[1].clone()};
        int rate = audio.sampleRateHz();
        for (int c = 0; c < 2; c++) {
            for (Redactor.Span sp : spans.get(c)) {
                int from = (int) Math.max(0, sp.startMs() * rate / 1000 - MARGIN_SAMPLES);
                int to = (int) Math.min(ch[c].length, sp.endMs() * rate / 1000 + MARGIN_SAMPLES);
                for (int i = from; i < to; i++) ch[c][i] = (short) (TONE_AMPLITUDE * Math.sin(2 * Math.PI * 1000 * i / rate));
            }
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".redacting");
        try (var w = new foresight.recording.wav.WavWriter(tmp, 2, rate)) {
            w.appendStereo(ch[0], ch[1]);
        }
        if (keepUnredacted) {
            String name = path.getFileName().toString();
            Files.move(path, path.resolveSibling(name.replaceFirst("\\.wav$", "") + ".unredacted.wav"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("call={} event=audio_redacted spans={} kept_original={}", callId, spans.get(0).size() + spans.get(1).size(), keepUnredacted);
    }

    /** Groups words into segments, starting a new one at every pause longer than {@link #SEGMENT_GAP_MS}. */
    static List<Segment> segments(String channel, List<TimedWord> words) {
        List<Segment> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long start = -1, end = -1;
        for (TimedWord w : words) {
            if (start >= 0 && w.startMs() - end > SEGMENT_GAP_MS) {
                out.add(new Segment(channel, start, end, text.toString()));
                text.setLength(0);
                start = -1;
            }
            if (start < 0) start = w.startMs();
            if (!text.isEmpty()) text.append(' ');
            text.append(w.word());
            end = w.endMs();
        }
        if (start >= 0) out.add(new Segment(channel, start, end, text.toString()));
        return out;
    }

    /**
     * Stops taking jobs; a job in progress gets 10 s to finish, then it is interrupted and released (its lease
     * cleared, queued again for any worker, the attempt not counted).
     */
    @Override
    public void close() {
        running = false;
        if (heartbeat != null) heartbeat.shutdownNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) thread.interrupt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                thread.interrupt();
            }
        }
        for (TranscriptionJob job : List.copyOf(inFlight.values())) {
            try {
                boolean released = repository.release(job);
                log.info("call={} event=transcription_released worker={} released={}", job.callId(), job.lockedBy(), released);
            } catch (RuntimeException e) {
                log.warn("call={} event=transcription_release_failed error={} (the lease runs out and another worker retakes it)", job.callId(), e.toString());
            }
        }
    }
}
