package foresight.app.eval;

import foresight.speech.audio.Resampler;

/**
 * Any sample rate to the phone's 8 kHz, for evaluation audio made elsewhere (espeak-ng writes 22,050 Hz): a
 * Hann-windowed sinc low-pass at 3.8 kHz evaluated at each output instant. 16 kHz goes through the call path's own
 * {@link Resampler#downsample16to8}; 8 kHz is returned as is.
 */
final class PhoneResampler {
    private static final int RATE_HZ = 8000;
    private static final double CUTOFF_HZ = 3800;
    private static final int HALF_WIDTH = 24; // input samples each side

    private PhoneResampler() {}

    static short[] to8k(short[] in, int rateHz) {
        if (rateHz == RATE_HZ) return in;
        if (rateHz == 16000) return Resampler.downsample16to8(in);
        if (rateHz < RATE_HZ) throw new IllegalArgumentException("sample rate " + rateHz + " Hz is below the phone's 8000 Hz");
        double step = (double) rateHz / RATE_HZ, fc = CUTOFF_HZ / rateHz;
        int n = (int) ((long) in.length * RATE_HZ / rateHz);
        short[] out = new short[n];
        for (int j = 0; j < n; j++) {
            double t = j * step, acc = 0;
            int centre = (int) Math.floor(t);
            for (int k = centre - HALF_WIDTH + 1; k <= centre + HALF_WIDTH; k++) {
                if (k < 0 || k >= in.length) continue;
                double x = t - k;
                double sinc = x == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
                double window = 0.5 + 0.5 * Math.cos(Math.PI * x / HALF_WIDTH);
                acc += in[k] * sinc * window;
            }
            out[j] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(acc)));
        }
        return out;
    }
}
