package foresight.speech.asr;

import foresight.speech.audio.Resampler;
import foresight.speech.vad.SileroVad;
import foresight.speech.vad.SpeechSegments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Open speech (no grammar) with Moonshine behind the Silero VAD, for phone audio (8 kHz). Moonshine is not
 * streaming, so the VAD (run natively at 8 kHz) says when the caller starts speaking (barge-in) and when they have
 * stopped ({@link #END_SILENCE} of non-speech); only then is the utterance upsampled to 16 kHz and decoded. For
 * recordings the VAD cuts each channel into segments and silence is never decoded. Moonshine gives no word
 * timings: a word's time is approximate, its share of the segment by length. Thread-safe; every method blocks the
 * calling thread on one core.
 */
public final class OpenRecognizer implements AutoCloseable {
    static final int RATE_HZ = 8000;
    /** Non-speech after speech that ends an utterance (Vosk's endpointing is of the same order). */
    static final Duration END_SILENCE = Duration.ofMillis(700);
    /** Audio kept before the first speech frame, so the first word's onset is not cut. */
    static final int LEAD_MS = 300;
    private static final float START = 0.5f, STOP = 0.35f;
    private static final int START_FRAMES = 2; // 64 ms of speech before barge-in: a click is not a caller

    private final MoonshineRecognizer moonshine;
    private final SileroVad vad;

    /** Takes ownership of both models (closed with this). */
    public OpenRecognizer(MoonshineRecognizer moonshine, SileroVad vad) {
        this.moonshine = moonshine;
        this.vad = vad;
    }

    /**
     * Listens to 20 ms frames of 8 kHz audio until the caller has said something and stopped, nothing is said
     * within {@code noInput}, {@code maxDuration} passes, or {@code interrupt} turns true. {@code onSpeech} runs once
     * when speech starts. Speech that decodes to no words (a cough) is ignored and listening goes on.
     */
    public Utterance listen(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt, Runnable onSpeech)
            throws InterruptedException {
        SileroVad.Stream stream = vad.newStream(RATE_HZ);
        int frameSize = stream.frameSamples();
        ShortBuffer audio = new ShortBuffer();
        float[] vadFrame = new float[frameSize];
        int vadDone = 0, speechRun = 0, silenceRun = 0, speechStart = -1;
        int endSilenceFrames = (int) (END_SILENCE.toMillis() / 32);
        boolean heard = false;
        long start = System.nanoTime();
        while (true) {
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (interrupt.getAsBoolean()) return new Utterance("", Utterance.Outcome.INTERRUPTED);
            if (elapsedMs > maxDuration.toMillis()) break;
            if (!heard && elapsedMs > noInput.toMillis()) return new Utterance("", Utterance.Outcome.NO_INPUT);
            short[] frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame == null) continue;
            audio.append(frame);
            while (audio.size() - vadDone >= frameSize) {
                for (int i = 0; i < frameSize; i++) vadFrame[i] = audio.get(vadDone + i) / 32768f;
                float p = stream.probability(vadFrame);
                vadDone += frameSize;
                if (p >= START) {
                    speechRun++;
                    silenceRun = 0;
                    if (speechStart < 0 && speechRun >= START_FRAMES) {
                        speechStart = Math.max(0, vadDone - START_FRAMES * frameSize - LEAD_MS * RATE_HZ / 1000);
                        if (!heard) onSpeech.run();
                        heard = true;
                    }
                } else {
                    speechRun = 0;
                    if (p < STOP) silenceRun++;
                    if (speechStart >= 0 && silenceRun >= endSilenceFrames) {
                        String text = text(audio.copy(speechStart, vadDone));
                        if (!text.isBlank()) return new Utterance(text, Utterance.Outcome.RECOGNISED);
                        speechStart = -1; // a noise, not words: keep listening
                    }
                }
            }
        }
        String text = speechStart >= 0 ? text(audio.copy(speechStart, audio.size())) : "";
        return new Utterance(text, text.isBlank() ? Utterance.Outcome.NO_INPUT : Utterance.Outcome.RECOGNISED);
    }

    /** Transcribes one channel of a recording (8 kHz): VAD segments, each decoded; words with approximate times. */
    public List<Word> transcribe(short[] pcm8k) {
        List<Word> words = new ArrayList<>();
        for (SpeechSegments.Segment s : segments(pcm8k)) words.addAll(transcribeSegment(pcm8k, s));
        return words;
    }

    /** The speech segments of one channel of 8 kHz audio. */
    public List<SpeechSegments.Segment> segments(short[] pcm8k) {
        float[] f = new float[pcm8k.length];
        for (int i = 0; i < f.length; i++) f[i] = pcm8k[i] / 32768f;
        return SpeechSegments.find(vad, f, RATE_HZ);
    }

    /** The words of one segment, spread over it by length (Moonshine gives no timings). */
    public List<Word> transcribeSegment(short[] pcm8k, SpeechSegments.Segment s) {
        String text = text(java.util.Arrays.copyOfRange(pcm8k, s.start(), s.end()));
        String[] ws = text.isBlank() ? new String[0] : text.split(" ");
        int chars = 0;
        for (String w : ws) chars += w.length() + 1;
        List<Word> out = new ArrayList<>(ws.length);
        long t = s.startMs(), span = s.endMs() - s.startMs();
        int done = 0;
        for (String w : ws) {
            long from = s.startMs() + span * done / chars;
            done += w.length() + 1;
            long to = s.startMs() + span * done / chars;
            out.add(new Word(w, Math.max(t, from), to, 1.0));
            t = to;
        }
        return out;
    }

    /** Moonshine's text for 8 kHz audio, in the recogniser's usual form: lower case, words without punctuation. */
    String text(short[] pcm8k) {
        if (pcm8k.length == 0) return "";
        short[] up = Resampler.upsample8to16(pcm8k);
        float[] f = new float[up.length];
        for (int i = 0; i < up.length; i++) f[i] = up[i] / 32768f;
        return normalise(moonshine.transcribe(f));
    }

    /** "Yes, I'd like a refund." → "yes i'd like a refund" (digits, @ and inner dots kept for redaction). */
    static String normalise(String text) {
        StringBuilder out = new StringBuilder();
        for (String w : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            String t = w.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
            if (t.isEmpty()) continue;
            if (!out.isEmpty()) out.append(' ');
            out.append(t);
        }
        return out.toString();
    }

    @Override
    public void close() {
        moonshine.close();
        vad.close();
    }

    /** Growable PCM owned by one listen. */
    private static final class ShortBuffer {
        private short[] data = new short[8000 * 4];
        private int size;

        void append(short[] frame) {
            if (size + frame.length > data.length) data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + frame.length));
            System.arraycopy(frame, 0, data, size, frame.length);
            size += frame.length;
        }

        short get(int i) { return data[i]; }

        int size() { return size; }

        short[] copy(int from, int to) { return java.util.Arrays.copyOfRange(data, from, to); }
    }
}
