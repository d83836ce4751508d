package foresight.media.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitterBufferTest {
    static short[] frame(int v) {
        short[] f = new short[160];
        java.util.Arrays.fill(f, (short) v);
        return f;
    }

    @Test
    void playoutWaitsForThePrebufferThenPlaysInOrder() {
        var jb = new JitterBuffer();
        jb.offer(frame(1));
        jb.offer(frame(2));
        assertThat(jb.poll()).as("still buffering").isNull();
        jb.offer(frame(3));
        assertThat(jb.poll()[0]).isEqualTo((short) 1);
        assertThat(jb.poll()[0]).isEqualTo((short) 2);
        assertThat(jb.poll()[0]).isEqualTo((short) 3);
    }

    @Test
    void aLateFrameIsConcealedByTheLastOneAtHalfLevelNotBySilence() {
        var jb = new JitterBuffer();
        for (int i = 0; i < 3; i++) jb.offer(frame(1000));
        for (int i = 0; i < 3; i++) jb.poll();
        assertThat(jb.poll()[0]).isEqualTo((short) 500);
        assertThat(jb.poll()).as("only one frame is invented").isNull();
        assertThat(jb.concealed()).isEqualTo(1);
    }

    @Test
    void aBurstBeyondCapacityDropsTheOldestSoDelayStaysBounded() {
        var jb = new JitterBuffer();
        for (int i = 0; i < JitterBuffer.MAX_FRAMES + 5; i++) jb.offer(frame(i));
        assertThat(jb.dropped()).isEqualTo(5);
        assertThat(jb.poll()[0]).isEqualTo((short) 5);
    }
}
