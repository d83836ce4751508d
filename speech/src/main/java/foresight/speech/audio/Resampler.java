package foresight.speech.audio;

/**
 * Telephone-band rate conversion between 8 kHz (G.711) and 16 kHz (Vosk's small model, FreeTTS's kevin16).
 * Stateless per call: each frame is converted on its own, which is inaudible at these rates for ASR and prompts.
 */
public final class Resampler {
    /** Half-band low-pass (7 taps) used before dropping every second sample. */
    private static final double[] HALF_BAND = {-0.0321, 0.0, 0.2821, 0.5, 0.2821, 0.0, -0.0321};

    private Resampler() {}

    /** Longer half-band interpolator (windowed sinc, 4 taps per side) for 8 → 16 kHz. */
    private static final double[] INTERP = {-0.0117, 0.0466, -0.1475, 0.6126, 0.6126, -0.1475, 0.0466, -0.0117};

    /**
     * 8 kHz → 16 kHz: even output samples are the input, odd ones are interpolated with a windowed-sinc
     * half-band filter (linear interpolation leaves images above 4 kHz that cost recognition accuracy).
     */
    public static short[] upsample8to16(short[] in) {
        short[] out = new short[in.length * 2];
        for (int i = 0; i < in.length; i++) {
            out[2 * i] = in[i];
            double acc = 0;
            for (int k = 0; k < INTERP.length; k++) {
                int idx = i + k - 3;
                int v = idx < 0 ? in[0] : idx >= in.length ? in[in.length - 1] : in[idx];
                acc += INTERP[k] * v;
            }
            out[2 * i + 1] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(acc)));
        }
        return out;
    }

    /** 16 kHz → 8 kHz: low-pass below 4 kHz, then keep every second sample. */
    public static short[] downsample16to8(short[] in) {
        short[] out = new short[in.length / 2];
        int half = HALF_BAND.length / 2;
        for (int o = 0; o < out.length; o++) {
            int c = 2 * o;
            double acc = 0;
            for (int k = 0; k < HALF_BAND.length; k++) {
                int idx = c + k - half;
                if (idx >= 0 && idx < in.length) acc += HALF_BAND[k] * in[idx];
            }
            out[o] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(acc)));
        }
        return out;
    }

    /** Little-endian bytes, the layout Vosk's {@code acceptWaveForm(byte[], int)} expects. */
    public static byte[] toLittleEndian(short[] pcm) {
        byte[] b = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            b[2 * i] = (byte) pcm[i];
            b[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return b;
    }
}
