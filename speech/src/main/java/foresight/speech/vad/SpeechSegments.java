package foresight.speech.vad;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts 8 or 16 kHz audio into speech segments with Silero VAD, as silero-vad's {@code get_speech_timestamps} does:
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
    static final int PAD_MS = 300; // of the real audio around speech: measured best of 0–500 ms on spoken BANKING77 (Moonshine)
    static final int MAX_SEGMENT_MS = 20_000;
    private static final int FRAME_MS = 32;

    /** A stretch of speech: samples [start, end) of the input, at {@code sampleRateHz}. */
    public record Segment(int start, int end, int sampleRateHz) {
        public Segment {
            if (start < 0 || end < start) throw new IllegalArgumentException("segment [" + start + ", " + end + ")");
        }

        public long startMs() { return start * 1000L / sampleRateHz; }

        public long endMs() { return end * 1000L / sampleRateHz; }
    }

    private SpeechSegments() {}

    /** The speech segments of {@code pcm} (samples in [-1, 1] at 8 or 16 kHz), in order, not overlapping. */
    public static List<Segment> find(SileroVad vad, float[] pcm, int sampleRateHz) {
        SileroVad.Stream stream = vad.newStream(sampleRateHz);
        int size = stream.frameSamples();
        int frames = pcm.length / size;
        float[] prob = new float[frames];
        float[] frame = new float[size];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(pcm, f * size, frame, 0, size);
            prob[f] = stream.probability(frame);
        }
        return fromProbabilities(prob, pcm.length, sampleRateHz);
    }

    /** Segments from per-frame (32 ms) speech probabilities. */
    static List<Segment> fromProbabilities(float[] prob, int totalSamples, int sampleRateHz) {
        int samplesPerMs = sampleRateHz / 1000;
        int frame = SileroVad.frameSamples(sampleRateHz);
        int minSilenceFrames = Math.max(1, MIN_SILENCE_MS / FRAME_MS);
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
        int pad = PAD_MS * samplesPerMs, prevEnd = 0;
        for (int[] r : raw) {
            for (int[] piece : splitLong(r, prob)) {
                if ((piece[1] - piece[0]) * FRAME_MS < MIN_SPEECH_MS) continue;
                int s = Math.max(prevEnd, piece[0] * frame - pad);
                int e = Math.min(totalSamples, piece[1] * frame + pad);
                out.add(new Segment(s, e, sampleRateHz));
                prevEnd = e;
            }
        }
        return out;
    }

    /** Frame ranges no longer than MAX_SEGMENT_MS, cut at the least speech-like frame. */
    private static List<int[]> splitLong(int[] r, float[] prob) {
        int maxFrames = MAX_SEGMENT_MS / FRAME_MS;
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
