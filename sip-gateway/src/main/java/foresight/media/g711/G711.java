package foresight.media.g711;

/**
 * ITU-T G.711 companding, µ-law (PCMU, RTP payload type 0) and A-law (PCMA, type 8), per RFC 3551 §4.5.14.
 * Stateless and thread-safe; decoding uses 256-entry tables built once.
 */
public final class G711 {
    private static final short[] ULAW_TO_PCM = new short[256];
    private static final short[] ALAW_TO_PCM = new short[256];
    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_TO_PCM[i] = ulawDecode((byte) i);
            ALAW_TO_PCM[i] = alawDecode((byte) i);
        }
    }

    private G711() {}

    public static byte linearToUlaw(int sample) {
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) sample = -sample;
        if (sample > CLIP) sample = CLIP;
        sample += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    private static short ulawDecode(byte b) {
        int u = ~b & 0xFF;
        int sign = u & 0x80;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int sample = ((mantissa << 3) + BIAS) << exponent;
        sample -= BIAS;
        return (short) (sign != 0 ? -sample : sample);
    }

    public static byte linearToAlaw(int sample) {
        int sign = (~sample >> 8) & 0x80;
        if (sign == 0) sample = -sample;
        if (sample > 32767) sample = 32767;
        int enc;
        if (sample >= 256) {
            int exponent = 7;
            for (int mask = 0x4000; (sample & mask) == 0 && exponent > 1; mask >>= 1) exponent--;
            int mantissa = (sample >> (exponent + 3)) & 0x0F;
            enc = (exponent << 4) | mantissa;
        } else {
            enc = sample >> 4;
        }
        return (byte) ((enc | sign) ^ 0x55);
    }

    private static short alawDecode(byte b) {
        int a = (b ^ 0x55) & 0xFF;
        int sign = a & 0x80;
        int exponent = (a >> 4) & 0x07;
        int mantissa = a & 0x0F;
        int sample = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short) (sign != 0 ? sample : -sample);
    }

    public static short ulawToLinear(byte b) { return ULAW_TO_PCM[b & 0xFF]; }

    public static short alawToLinear(byte b) { return ALAW_TO_PCM[b & 0xFF]; }

    /** Encodes PCM into {@code out} (same length) with the codec of the RTP payload type (0 = PCMU, 8 = PCMA). */
    public static void encode(int payloadType, short[] pcm, byte[] out) {
        if (payloadType == 0) for (int i = 0; i < pcm.length; i++) out[i] = linearToUlaw(pcm[i]);
        else if (payloadType == 8) for (int i = 0; i < pcm.length; i++) out[i] = linearToAlaw(pcm[i]);
        else throw new IllegalArgumentException("not a G.711 payload type: " + payloadType);
    }

    public static short[] decode(int payloadType, byte[] in, int offset, int length) {
        short[] table = switch (payloadType) {
            case 0 -> ULAW_TO_PCM;
            case 8 -> ALAW_TO_PCM;
            default -> throw new IllegalArgumentException("not a G.711 payload type: " + payloadType);
        };
        short[] pcm = new short[length];
        for (int i = 0; i < length; i++) pcm[i] = table[in[offset + i] & 0xFF];
        return pcm;
    }
}
