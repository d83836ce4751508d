package foresight.speech.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import foresight.speech.audio.Resampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Speech recognition for live calls and recordings: Vosk, and optionally Moonshine ({@link OpenRecognizer}) for open
 * questions and recordings while Vosk keeps the grammars. The Vosk model is loaded once; each listen gets its own
 * recogniser, fed 8 kHz phone audio upsampled to the 16 kHz the bundled model expects. At most
 * {@code maxRecognisers} run at once: past that a live listen returns UNAVAILABLE so the flow falls back to DTMF.
 * A live listen decodes on one of {@code maxRecognisers} platform threads ({@code asr-live-N}) while the calling
 * (virtual) thread waits unmounted: Vosk (JNA) and Moonshine/VAD (ONNX) are long native calls that hold the carrier
 * they run on, and with a carrier per core eight of them stalled every other virtual thread — call setup, the 200 OK,
 * recorders — for seconds (issue #11, 20 speaking callers: INVITE→200 up to 1.7 s). Thread-safe; every method blocks
 * the calling thread.
 */
public final class SpeechRecognizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpeechRecognizer.class);
    private static final float MODEL_RATE_HZ = 16000f;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Model model;
    private final Semaphore live;
    private final Semaphore batch;
    private final OpenRecognizer open; // null: Vosk hears open questions and transcribes recordings too
    private final ExecutorService decoders; // platform threads for live listens, one per permit of {@code live}

    public SpeechRecognizer(Path modelDir, int maxRecognisers) throws IOException {
        this(modelDir, maxRecognisers, null);
    }

    /**
     * With {@code open} (Moonshine behind the VAD; may be null) for open questions and recordings; Vosk keeps the
     * grammars (yes/no, digits, menus). Takes ownership of {@code open}.
     */
    public SpeechRecognizer(Path modelDir, int maxRecognisers, OpenRecognizer open) throws IOException {
        this(modelDir, maxRecognisers, open, 1);
    }

    /** As above; {@code batchSlots} recordings may be transcribed at once (the transcription worker pool's size). */
    public SpeechRecognizer(Path modelDir, int maxRecognisers, OpenRecognizer open, int batchSlots) throws IOException {
        this(modelDir, maxRecognisers, open, batchSlots, () -> { });
    }

    /**
     * As above; {@code decoderThreadStart} runs first on each live decoder thread, e.g. to lower its CPU priority below
     * signalling and media (the server renices them: a recogniser that falls behind makes a caller wait a little, a
     * late RTP packet is heard by everyone).
     */
    public SpeechRecognizer(Path modelDir, int maxRecognisers, OpenRecognizer open, int batchSlots, Runnable decoderThreadStart) throws IOException {
        if (!Files.isDirectory(modelDir)) throw new IOException("Vosk model directory not found: " + modelDir.toAbsolutePath() + " (run the Maven build: it unpacks com.alphacephei:vosk-model-en)");
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        long t0 = System.nanoTime();
        this.model = new Model(modelDir.toString());
        this.live = new Semaphore(maxRecognisers);
        var threads = Thread.ofPlatform().name("asr-live-", 0).daemon().factory();
        this.decoders = Executors.newFixedThreadPool(Math.max(1, maxRecognisers), task -> threads.newThread(() -> {
            decoderThreadStart.run();
            task.run();
        }));
        this.open = open;
        this.batch = new Semaphore(batchSlots);
        log.info("event=asr_ready model={} open_recogniser={} ms={}", modelDir, openRecogniser(), (System.nanoTime() - t0) / 1_000_000);
    }

    public int availableRecognisers() { return live.availablePermits(); }

    private volatile long checkedAtNanos;
    private volatile boolean lastCheck;

    /**
     * For /health: a recogniser can be created from the loaded model and decodes 100 ms of silence without error.
     * The answer is kept for 10 s so a monitor polling /health costs nothing measurable.
     */
    public boolean decodesSilence() {
        long now = System.nanoTime();
        if (checkedAtNanos != 0 && now - checkedAtNanos < 10_000_000_000L) return lastCheck;
        boolean ok;
        try (Recognizer rec = new Recognizer(model, MODEL_RATE_HZ)) {
            byte[] silence = new byte[(int) MODEL_RATE_HZ / 10 * 2];
            rec.acceptWaveForm(silence, silence.length);
            ok = rec.getFinalResult() != null;
        } catch (IOException | RuntimeException e) {
            log.warn("event=asr_check_failed error={}", e.toString());
            ok = false;
        }
        lastCheck = ok;
        checkedAtNanos = now;
        return ok;
    }

    /**
     * Listens to 20 ms frames until the caller finishes a phrase, nothing is said within {@code noInput},
     * {@code maxDuration} passes, or {@code interrupt} turns true (e.g. a key was pressed).
     */
    public Utterance listen(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt) {
        return listen(frames, noInput, maxDuration, interrupt, null, () -> { });
    }

    /**
     * As above, with an optional grammar (the phrases to choose from, "[unk]" for anything else; null = open
     * dictation) and {@code onSpeech}, run once when the caller starts speaking (barge-in: stop the prompt).
     */
    public Utterance listen(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt,
                            List<String> grammar, Runnable onSpeech) {
        return listen(frames, noInput, maxDuration, interrupt, grammar, onSpeech, null);
    }

    /**
     * As above; for open questions (no grammar) {@code bias} is the vocabulary the answer is likely to use (the
     * reasons' keywords and example words): the recogniser returns its {@link #ALTERNATIVES} best readings and the
     * one with the most of those words wins among the readings nearly as likely as the best (see {@link #pick}).
     */
    public Utterance listen(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt,
                            List<String> grammar, Runnable onSpeech, java.util.Set<String> bias) {
        if (!live.tryAcquire()) return new Utterance("", Utterance.Outcome.UNAVAILABLE);
        // The permit is released once: by the decode when it ends, or here when it was cancelled before it started.
        var started = new java.util.concurrent.atomic.AtomicBoolean();
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> { if (released.compareAndSet(false, true)) live.release(); };
        var decode = new FutureTask<>(() -> {
            started.set(true);
            try {
                return decode(frames, noInput, maxDuration, interrupt, grammar, onSpeech, bias);
            } finally {
                release.run();
            }
        }) {
            @Override protected void done() { if (!started.get()) release.run(); }
        };
        try {
            decoders.execute(decode);
        } catch (RejectedExecutionException e) { // closed
            release.run();
            return new Utterance("", Utterance.Outcome.UNAVAILABLE);
        }
        try {
            return decode.get();
        } catch (InterruptedException e) {
            decode.cancel(true);
            Thread.currentThread().interrupt();
            return new Utterance("", Utterance.Outcome.INTERRUPTED);
        } catch (ExecutionException e) {
            log.error("event=recogniser_failed", e.getCause());
            return new Utterance("", Utterance.Outcome.UNAVAILABLE);
        }
    }

    /** One live listen, on a decoder thread, holding a permit of {@code live} (released by the caller). */
    private Utterance decode(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt,
                             List<String> grammar, Runnable onSpeech, java.util.Set<String> bias) {
        if (grammar == null && open != null) {
            try {
                return open.listen(frames, noInput, maxDuration, interrupt, onSpeech);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Utterance("", Utterance.Outcome.INTERRUPTED);
            } catch (RuntimeException e) {
                log.error("event=recogniser_failed recogniser=moonshine", e);
                return new Utterance("", Utterance.Outcome.UNAVAILABLE);
            }
        }
        try (Recognizer rec = grammar == null ? new Recognizer(model, MODEL_RATE_HZ) : new Recognizer(model, MODEL_RATE_HZ, grammarJson(grammar))) {
            boolean biased = grammar == null && bias != null && !bias.isEmpty();
            if (biased) rec.setMaxAlternatives(ALTERNATIVES);
            long start = System.nanoTime();
            boolean speechStarted = false;
            while (true) {
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                if (interrupt.getAsBoolean()) return new Utterance("", Utterance.Outcome.INTERRUPTED);
                if (elapsedMs > maxDuration.toMillis()) break;
                if (!speechStarted && elapsedMs > noInput.toMillis()) return new Utterance("", Utterance.Outcome.NO_INPUT);
                short[] frame = frames.poll(100, TimeUnit.MILLISECONDS);
                if (frame == null) continue;
                byte[] pcm = Resampler.toLittleEndian(Resampler.upsample8to16(frame));
                if (rec.acceptWaveForm(pcm, pcm.length)) {
                    String text = known(biased ? pick(rec.getResult(), bias) : text(rec.getResult()));
                    if (!text.isBlank()) return new Utterance(text, Utterance.Outcome.RECOGNISED);
                } else if (!speechStarted && !text(rec.getPartialResult(), "partial").isBlank()) {
                    speechStarted = true;
                    onSpeech.run();
                }
            }
            String text = known(biased ? pick(rec.getFinalResult(), bias) : text(rec.getFinalResult()));
            return new Utterance(text, text.isBlank() ? Utterance.Outcome.NO_INPUT : Utterance.Outcome.RECOGNISED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Utterance("", Utterance.Outcome.INTERRUPTED);
        } catch (IOException e) {
            log.error("event=recogniser_failed", e);
            return new Utterance("", Utterance.Outcome.UNAVAILABLE);
        }
    }

    /**
     * Transcribes a whole recording (8 kHz mono PCM) with word timings. The audio is cut into utterances at
     * pauses and each gets a fresh recogniser: one recogniser over a whole call lets earlier audio skew its
     * online adaptation (measured: the same sentence read "a refund for my order" alone and "carry on for my
     * order" mid-call). Runs at most {@code batchSlots} at a time and only while a live recogniser is free, so post-call work yields
     * to callers.
     */
    public List<Word> transcribe(short[] pcm8k) throws InterruptedException, IOException {
        batch.acquire();
        try {
            return transcribeUtterances(pcm8k, true);
        } finally {
            batch.release();
        }
    }

    /**
     * As {@link #transcribe} but without queueing behind other batch work or yielding to live calls: for
     * offline evaluation, where the caller runs several of these in parallel on purpose.
     */
    public List<Word> transcribeOffline(short[] pcm8k) throws InterruptedException, IOException {
        return transcribeUtterances(pcm8k, false);
    }

    /** Which recogniser hears open questions and transcribes recordings: "moonshine" or "vosk". */
    public String openRecogniser() { return open == null ? "vosk" : "moonshine"; }

    private List<Word> transcribeUtterances(short[] pcm8k, boolean yieldToLiveCalls) throws InterruptedException, IOException {
        List<Word> words = new ArrayList<>();
        if (open != null) {
            for (var segment : open.segments(pcm8k)) {
                while (yieldToLiveCalls && live.availablePermits() == 0) Thread.sleep(200); // live calls first
                words.addAll(open.transcribeSegment(pcm8k, segment));
            }
            return words;
        }
        for (int[] span : Utterances.split(pcm8k)) {
            while (yieldToLiveCalls && live.availablePermits() == 0) Thread.sleep(200); // live calls first
            long offsetMs = span[0] / 8;
            try (Recognizer rec = new Recognizer(model, MODEL_RATE_HZ)) {
                rec.setWords(true);
                short[] part = java.util.Arrays.copyOfRange(pcm8k, span[0], span[1]);
                byte[] b = Resampler.toLittleEndian(Resampler.upsample8to16(part));
                List<Word> found = new ArrayList<>();
                if (rec.acceptWaveForm(b, b.length)) found.addAll(words(rec.getResult()));
                found.addAll(words(rec.getFinalResult()));
                for (Word w : found) words.add(new Word(w.word(), w.startMs() + offsetMs, w.endMs() + offsetMs, w.confidence()));
            }
        }
        return words;
    }

    private static List<Word> words(String json) {
        List<Word> out = new ArrayList<>();
        try {
            JsonNode n = JSON.readTree(json).path("result");
            for (JsonNode w : n) {
                out.add(new Word(w.path("word").asText(), Math.round(w.path("start").asDouble() * 1000),
                        Math.round(w.path("end").asDouble() * 1000), w.path("conf").asDouble(1.0)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("unexpected Vosk output: " + json, e);
        }
        return out;
    }

    private static String text(String json) { return text(json, "text"); }

    /** N-best readings asked for when an open question is biased toward the reasons' vocabulary. */
    static final int ALTERNATIVES = 5;
    /** How much less likely (in Vosk's alternative confidence units) a reading may be and still win on vocabulary. */
    static final double BIAS_MARGIN = 0.15;

    /**
     * Vocabulary bias by N-best rescoring: among the alternatives whose confidence is within {@link #BIAS_MARGIN}
     * (relative) of the best, the one with the most {@code bias} words; ties keep the more likely. A plain result
     * (no "alternatives") is returned as is.
     */
    static String pick(String json, java.util.Set<String> bias) {
        try {
            JsonNode root = JSON.readTree(json);
            JsonNode alts = root.path("alternatives");
            if (!alts.isArray() || alts.isEmpty()) return root.path("text").asText("").trim();
            double top = alts.get(0).path("confidence").asDouble();
            String best = alts.get(0).path("text").asText("").trim();
            int bestHits = hits(best, bias);
            for (JsonNode a : alts) {
                double c = a.path("confidence").asDouble();
                if (c < top - Math.abs(top) * BIAS_MARGIN) continue;
                String t = a.path("text").asText("").trim();
                int h = hits(t, bias);
                if (h > bestHits) {
                    best = t;
                    bestHits = h;
                }
            }
            return best;
        } catch (IOException e) {
            throw new IllegalStateException("unexpected Vosk output: " + json, e);
        }
    }

    private static int hits(String text, java.util.Set<String> bias) {
        int n = 0;
        for (String w : text.split("\\s+")) if (bias.contains(w)) n++;
        return n;
    }

    /** Recognised text without the grammar's "[unk]" placeholders. */
    private static String known(String text) { return text.replace("[unk]", " ").replaceAll("\\s+", " ").trim(); }

    static String grammarJson(List<String> phrases) {
        try {
            return JSON.writeValueAsString(phrases);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String text(String json, String field) {
        try {
            return JSON.readTree(json).path(field).asText("").trim();
        } catch (IOException e) {
            throw new IllegalStateException("unexpected Vosk output: " + json, e);
        }
    }

    @Override
    public void close() {
        decoders.shutdownNow();
        try {
            if (!decoders.awaitTermination(5, TimeUnit.SECONDS)) log.warn("event=asr_close_late detail=\"live decoders still running\"");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
        if (open != null) open.close();
    }
}
