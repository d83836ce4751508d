package foresight.media.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitterBufferTest {
    static final long T0 = 0xFFFF_FF00L; // close to the 32-bit wrap, so every test also crosses it

    static short[] frame(int v) {
        short[] f = new short[160];
        java.util.Arrays.fill(f, (short) v);
        return f;
    }

    /** Offers frame number {@code n} (value n * 10) with its RTP timestamp. */
    static void offer(JitterBuffer jb, int n) {
        jb.offer((T0 + 160L * n) & 0xFFFFFFFFL, frame(n * 10));
    }

    static int value(short[] f) { return f == null ? -1 : f[0]; }

    @Test
    void playoutWaitsForTheTargetDepthThenPlaysInOrder() {
        var jb = new JitterBuffer();
        offer(jb, 1);
        offer(jb, 2);
        assertThat(jb.poll()).as("still buffering").isNull();
        offer(jb, 3);
        assertThat(value(jb.poll())).isEqualTo(10);
        assertThat(value(jb.poll())).isEqualTo(20);
        assertThat(value(jb.poll())).isEqualTo(30);
    }

    @Test
    void packetsArrivingOutOfOrderArePlayedInTimestampOrderAcrossTheWrap() {
        var jb = new JitterBuffer();
        for (int n : new int[]{1, 3, 2, 5, 4, 6}) offer(jb, n);
        for (int n = 1; n <= 6; n++) assertThat(value(jb.poll())).as("frame " + n).isEqualTo(n * 10);
    }

    @Test
    void aLostPacketIsConcealedInItsPlaceAndLaterFramesKeepTheirTiming() {
        var jb = new JitterBuffer();
        for (int n : new int[]{1, 2, 3, 5, 6}) offer(jb, n);
        assertThat(value(jb.poll())).isEqualTo(10);
        assertThat(value(jb.poll())).isEqualTo(20);
        assertThat(value(jb.poll())).isEqualTo(30);
        assertThat(value(jb.poll())).as("frame 4 lost: frame 3 at half level").isEqualTo(15);
        assertThat(value(jb.poll())).as("frame 5 where it belongs").isEqualTo(50);
        assertThat(jb.concealed()).isEqualTo(1);
    }

    @Test
    void concealmentFadesToSilenceOnALongGap() {
        var jb = new JitterBuffer();
        for (int n : new int[]{1, 2, 3, 9}) offer(jb, n);
        for (int i = 0; i < 3; i++) jb.poll();
        assertThat(value(jb.poll())).isEqualTo(15);
        assertThat(value(jb.poll())).isEqualTo(7);
        assertThat(jb.poll()).as("then silence, not an endless buzz").isNull();
    }

    @Test
    void lateFramesAreDroppedAndDeepenTheBuffer() {
        var jb = new JitterBuffer();
        for (int n : new int[]{1, 2, 3, 5, 6}) offer(jb, n);
        for (int i = 0; i < 4; i++) jb.poll(); // frame 4's turn passed
        int before = jb.targetFrames();
        offer(jb, 4);
        assertThat(jb.late()).isEqualTo(1);
        assertThat(jb.targetFrames()).isEqualTo(before + 1);
        assertThat(value(jb.poll())).as("the late frame is not played out of place").isEqualTo(50);
    }

    @Test
    void aSteadyStreamShrinksTheDepthBackAfterTenSeconds() {
        var jb = new JitterBuffer();
        int n = 1;
        for (; n <= 6; n++) offer(jb, n);
        for (int i = 0; i < 3; i++) jb.poll();
        offer(jb, 4 - 1); // late: depth grows to 4
        assertThat(jb.targetFrames()).isEqualTo(JitterBuffer.START_TARGET + 1);
        for (int i = 0; i < JitterBuffer.SHRINK_AFTER_POLLS * 3; i++) {
            offer(jb, n++);
            jb.poll();
        }
        assertThat(jb.targetFrames()).as("after 30 s without late frames").isEqualTo(JitterBuffer.MIN_TARGET);
    }

    @Test
    void aBurstBeyondTheTargetDropsTheOldestSoDelayStaysBounded() {
        var jb = new JitterBuffer();
        int burst = JitterBuffer.START_TARGET + JitterBuffer.SLACK + 4;
        for (int n = 1; n <= burst; n++) offer(jb, n);
        assertThat(value(jb.poll())).as("the first four were dropped").isEqualTo(50);
        assertThat(jb.dropped()).isEqualTo(4);
    }

    @Test
    void aTimestampJumpStartsANewStream() {
        var jb = new JitterBuffer();
        for (int n = 1; n <= 3; n++) offer(jb, n);
        jb.poll();
        for (int n = 10_001; n <= 10_003; n++) offer(jb, n);
        assertThat(jb.late()).isZero();
        assertThat(value(jb.poll())).isEqualTo((int) (short) 100_010);
    }
}
