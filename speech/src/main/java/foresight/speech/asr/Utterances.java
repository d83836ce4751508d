package foresight.speech.asr;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the stretches of speech in 8 kHz audio by 20 ms frame energy: a stretch ends after
 * {@link #PAUSE_FRAMES} quiet frames and is padded by {@link #PAD_FRAMES} on each side so word edges survive.
 */
final class Utterances {
    static final int FRAME = 160;
    static final double SPEECH_RMS = 200;
    static final int PAUSE_FRAMES = 35; // 700 ms
    static final int PAD_FRAMES = 15;   // 300 ms

    private Utterances() {}

    /** [start, end) sample ranges of speech, in order. */
    static List<int[]> split(short[] pcm) {
        List<int[]> out = new ArrayList<>();
        int frames = pcm.length / FRAME;
        int start = -1, lastVoiced = -1;
        for (int f = 0; f < frames; f++) {
            double acc = 0;
            for (int i = f * FRAME; i < (f + 1) * FRAME; i++) acc += (double) pcm[i] * pcm[i];
            boolean voiced = Math.sqrt(acc / FRAME) > SPEECH_RMS;
            if (voiced) {
                if (start < 0) start = f;
                lastVoiced = f;
            } else if (start >= 0 && f - lastVoiced > PAUSE_FRAMES) {
                out.add(span(start, lastVoiced, frames));
                start = -1;
            }
        }
        if (start >= 0) out.add(span(start, lastVoiced, frames));
        return out;
    }

    private static int[] span(int firstFrame, int lastFrame, int frames) {
        return new int[]{Math.max(0, firstFrame - PAD_FRAMES) * FRAME, Math.min(frames, lastFrame + 1 + PAD_FRAMES) * FRAME};
    }
}
