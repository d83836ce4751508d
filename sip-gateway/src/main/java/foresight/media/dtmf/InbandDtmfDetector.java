package foresight.media.dtmf;

/**
 * Finds DTMF key presses sent as audio (ITU-T Q.23 tone pairs) in 8 kHz PCM, for peers that do not use RFC 4733.
 * Goertzel filters measure the eight DTMF frequencies in each 20 ms frame; a key is reported when one low and one
 * high tone carry most of the frame's energy, their levels are within the allowed twist, and the same pair is seen
 * in two consecutive frames (40 ms, Q.24 asks for 40 ms minimum). It is reported once, until the tones stop.
 * Not thread-safe: owned by one RTP session's event loop.
 */
public final class InbandDtmfDetector {
    private static final double[] LOW = {697, 770, 852, 941};
    private static final double[] HIGH = {1209, 1336, 1477, 1633};
    private static final char[][] KEYS = {{'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}};
    private static final double MIN_RMS = 300;        // about -40 dBm0: quieter frames are not tones
    private static final double MIN_SHARE = 0.6;      // the two tones must hold most of the energy (speech does not)
    private static final double MAX_TWIST = 6.3;      // ±8 dB between the two tones, as a power ratio
    private static final double MIN_PEAK_RATIO = 6.0; // the winning tone in each group stands 8 dB above the others

    private static final double[] LOW_COEF = coefficients(LOW);
    private static final double[] HIGH_COEF = coefficients(HIGH);

    private char candidate;
    private char reported;

    private static double[] coefficients(double[] freqs) {
        double[] c = new double[freqs.length];
        for (int i = 0; i < freqs.length; i++) c[i] = 2 * Math.cos(2 * Math.PI * freqs[i] / 8000.0);
        return c;
    }

    /** Feeds one frame; returns the key if a new press was confirmed in it, else 0. */
    public char onFrame(short[] pcm) {
        char key = classify(pcm);
        char result = 0;
        if (key != 0 && key == candidate && key != reported) {
            reported = key;
            result = key;
        }
        if (key == 0) reported = 0;
        candidate = key;
        return result;
    }

    private static char classify(short[] pcm) {
        double energy = 0;
        for (short s : pcm) energy += (double) s * s;
        if (Math.sqrt(energy / pcm.length) < MIN_RMS) return 0;
        double[] low = powers(pcm, LOW_COEF), high = powers(pcm, HIGH_COEF);
        int li = argmax(low), hi = argmax(high);
        if (!dominates(low, li) || !dominates(high, hi)) return 0;
        double ratio = low[li] > high[hi] ? low[li] / high[hi] : high[hi] / low[li];
        if (ratio > MAX_TWIST) return 0;
        // Goertzel power of a pure tone of amplitude A over N samples is (A*N/2)^2; total energy is A^2*N/2.
        double toneEnergy = 2 * (low[li] + high[hi]) / pcm.length;
        if (toneEnergy < MIN_SHARE * energy) return 0;
        return KEYS[li][hi];
    }

    private static double[] powers(short[] pcm, double[] coef) {
        double[] p = new double[coef.length];
        for (int k = 0; k < coef.length; k++) {
            double s1 = 0, s2 = 0;
            for (short x : pcm) {
                double s0 = x + coef[k] * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            p[k] = s1 * s1 + s2 * s2 - coef[k] * s1 * s2;
        }
        return p;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    private static boolean dominates(double[] p, int winner) {
        for (int i = 0; i < p.length; i++) if (i != winner && p[winner] < MIN_PEAK_RATIO * p[i]) return false;
        return true;
    }
}
