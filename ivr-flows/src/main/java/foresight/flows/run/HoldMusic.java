package foresight.flows.run;

import foresight.call.AudioClip;

/**
 * A soft, generated hold tune (two alternating chords, 60 s) played to callers waiting in a queue, shared by all
 * of them. A WAV from the operator folder replaces it in issue #3.
 */
final class HoldMusic {
    static final AudioClip CLIP = build();

    private HoldMusic() {}

    private static AudioClip build() {
        int rate = 8000, seconds = 60;
        short[] pcm = new short[rate * seconds];
        double[][] chords = {{261.6, 329.6, 392.0}, {220.0, 277.2, 329.6}};
        for (int i = 0; i < pcm.length; i++) {
            double t = (double) i / rate;
            int bar = (int) (t / 2) % 2;
            double inBar = t % 2;
            double env = Math.min(1, inBar * 8) * Math.exp(-inBar * 1.2);
            double v = 0;
            for (double f : chords[bar]) v += Math.sin(2 * Math.PI * f * t);
            pcm[i] = (short) (1800 * env * v / 3);
        }
        return AudioClip.of("hold-music", pcm);
    }
}
