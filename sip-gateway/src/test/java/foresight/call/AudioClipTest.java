package foresight.call;

import foresight.media.g711.G711;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AudioClipTest {
    @Test
    void framesAreEncodedOnceForEveryCallerAndMatchTheLiveEncoder() {
        short[] pcm = new short[400];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) (8000 * Math.sin(i / 5.0));
        AudioClip clip = AudioClip.of("tone", pcm);
        assertThat(clip.frames()).hasSize(3);
        for (int pt : new int[]{0, 8}) {
            for (int f = 0; f < 3; f++) {
                byte[] live = new byte[160];
                G711.encode(pt, clip.frames().get(f), live);
                assertThat(clip.encoded(pt, f)).as("payload type " + pt + " frame " + f).isEqualTo(live);
            }
            assertThat(clip.encoded(pt, 1)).as("shared, not re-encoded").isSameAs(clip.encoded(pt, 1));
        }
        assertThat(clip.encoded(0, 0)).isNotEqualTo(clip.encoded(8, 0));
    }
}
