package foresight.media.dtmf;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class InbandDtmfDetectorTest {
    static final double[] LOW = {697, 770, 852, 941};
    static final double[] HIGH = {1209, 1336, 1477, 1633};

    /** Feeds 20 ms frames of {@code pcm}; returns every key reported. */
    static String detect(short[] pcm) {
        var d = new InbandDtmfDetector();
        var sb = new StringBuilder();
        for (int off = 0; off + 160 <= pcm.length; off += 160) {
            char k = d.onFrame(java.util.Arrays.copyOfRange(pcm, off, off + 160));
            if (k != 0) sb.append(k);
        }
        return sb.toString();
    }

    static short[] keys(String keys, int toneMs, int gapMs, double noise) {
        var r = new Random(7);
        int per = 8 * (toneMs + gapMs);
        short[] pcm = new short[per * keys.length()];
        for (int k = 0; k < keys.length(); k++) {
            int idx = "123A456B789C*0#D".indexOf(keys.charAt(k));
            double fl = LOW[idx / 4], fh = HIGH[idx % 4];
            for (int i = 0; i < per; i++) {
                double t = i / 8000.0, v = r.nextGaussian() * noise;
                if (i < 8 * toneMs) v += 6000 * Math.sin(2 * Math.PI * fl * t) + 5000 * Math.sin(2 * Math.PI * fh * t);
                pcm[k * per + i] = (short) Math.max(-32768, Math.min(32767, v));
            }
        }
        return pcm;
    }

    @Test
    void everyKeyIsDetectedOncePerPress() {
        assertThat(detect(keys("1234567890*#ABCD", 100, 60, 0))).isEqualTo("1234567890*#ABCD");
    }

    @Test
    void tonesSurviveTheG711PhoneCodec() {
        short[] pcm = keys("2580", 100, 60, 100);
        byte[] ulaw = new byte[pcm.length];
        foresight.media.g711.G711.encode(0, pcm, ulaw);
        assertThat(detect(foresight.media.g711.G711.decode(0, ulaw, 0, ulaw.length))).isEqualTo("2580");
    }

    @Test
    void repeatedKeySeparatedByAGapCountsTwice() {
        assertThat(detect(keys("55", 80, 60, 0))).isEqualTo("55");
    }

    @Test
    void tonesInModerateLineNoiseAreStillDetected() {
        assertThat(detect(keys("907", 100, 60, 400))).isEqualTo("907");
    }

    @Test
    void tooShortABlipIsNotAKey() {
        assertThat(detect(keys("3", 20, 60, 0))).isEmpty();
    }

    @Test
    void noiseAndAVoiceLikeHarmonicSoundAreNotKeys() {
        var r = new Random(1);
        short[] pcm = new short[8000 * 3];
        for (int i = 0; i < pcm.length; i++) {
            double t = i / 8000.0, f0 = 120 + 40 * Math.sin(2 * Math.PI * 3 * t);
            double v = 0;
            for (int h = 1; h <= 20; h++) v += 1500.0 / h * Math.sin(2 * Math.PI * f0 * h * t);
            pcm[i] = (short) Math.max(-32768, Math.min(32767, v + r.nextGaussian() * 800));
        }
        assertThat(detect(pcm)).isEmpty();
    }
}
