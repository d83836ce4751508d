package foresight.speech.vad;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts 16 kHz audio into speech segments with Silero VAD, as silero-vad's {@code get_speech_timestamps} does:
 * speech starts at a frame with probability ≥ {@link #THRESHOLD}, ends after {@link #MIN_SILENCE_MS} below
 * {@link #NEG_THRESHOLD}; segments shorter than {@link #MIN_SPEECH_MS} are dropped, each is widened by
 * {@link #PAD_MS} of the surrounding audio, and one longer than {@link #MAX_SEGMENT_MS} is cut at its quietest frame
 * (Moonshine is trained on clips up to ~30 s). Silence between segments is never handed to a recogniser.
 */
public final class SpeechSegments {
    static final float THRESHOLD = 0.5f;
    static final float NEG_THRESHOLD = 0.35f;
    static final int MIN_SILENCE_MS = 500;
    static final int MIN_SPEECH_MS = 250;
    static final int PAD_MS = 100;
    static final int MAX_SEGMENT_MS = 20_000;
    private static final int F = SileroVad.FRAME_SAMPLES;
    private static final int SAMPLES_PER_MS = SileroVad.SAMPLE_RATE_HZ / 1000;

    /** A stretch of speech: samples [start, end) of the 16 kHz input. */
    public record Segment(int start, int end) {
        public Segment {
            if (start < 0 || end < start) throw new IllegalArgumentException("segment [" + start + ", " + end + ")");
        }

        public long startMs() { return start / SAMPLES_PER_MS; }

        public long endMs() { return end / SAMPLES_PER_MS; }
    }

    private SpeechSegments() {}

    /** The speech segments of {@code pcm16k} (samples in [-1, 1]), in order, not overlapping. */
    public static List<Segment> find(SileroVad vad, float[] pcm16k) {
        int frames = pcm16k.length / F;
        float[] prob = new float[frames];
        SileroVad.Stream stream = vad.newStream();
        float[] frame = new float[F];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(pcm16k, f * F, frame, 0, F);
            prob[f] = stream.probability(frame);
        }
        return fromProbabilities(prob, pcm16k.length);
    }

    /** Segments from per-frame speech probabilities (frame f covers samples [f·512, (f+1)·512)). */
    static List<Segment> fromProbabilities(float[] prob, int totalSamples) {
        int minSilenceFrames = Math.max(1, MIN_SILENCE_MS * SAMPLES_PER_MS / F);
        List<int[]> raw = new ArrayList<>();
        int start = -1, lastSpeech = -1;
        for (int f = 0; f < prob.length; f++) {
            if (prob[f] >= THRESHOLD) {
                if (start < 0) start = f;
                lastSpeech = f;
            } else if (start >= 0 && prob[f] < NEG_THRESHOLD && f - lastSpeech >= minSilenceFrames) {
                raw.add(new int[]{start, lastSpeech + 1});
                start = -1;
            }
        }
        if (start >= 0) raw.add(new int[]{start, lastSpeech + 1});
        List<Segment> out = new ArrayList<>();
        int pad = PAD_MS * SAMPLES_PER_MS, prevEnd = 0;
        for (int[] r : raw) {
            for (int[] piece : splitLong(r, prob)) {
                if ((piece[1] - piece[0]) * F < MIN_SPEECH_MS * SAMPLES_PER_MS) continue;
                int s = Math.max(prevEnd, piece[0] * F - pad);
                int e = Math.min(totalSamples, piece[1] * F + pad);
                out.add(new Segment(s, e));
                prevEnd = e;
            }
        }
        return out;
    }

    /** Frame ranges no longer than MAX_SEGMENT_MS, cut at the least speech-like frame. */
    private static List<int[]> splitLong(int[] r, float[] prob) {
        int maxFrames = MAX_SEGMENT_MS * SAMPLES_PER_MS / F;
        List<int[]> out = new ArrayList<>();
        int s = r[0];
        while (r[1] - s > maxFrames) {
            int cut = s + maxFrames / 2;
            for (int f = s + maxFrames / 2; f < s + maxFrames; f++) if (prob[f] < prob[cut]) cut = f;
            out.add(new int[]{s, cut});
            s = cut;
        }
        out.add(new int[]{s, r[1]});
        return out;
    }
}
