package foresight.media.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReceptionStatsTest {
    static final long FRAME_NANOS = 20_000_000L;

    @Test
    void evenlySpacedStreamHasNoLossNoJitterAndTopQuality() {
        var s = new ReceptionStats(8000);
        for (int i = 0; i < 500; i++) s.onPacket(i, 160L * i, FRAME_NANOS * i);
        assertThat(s.snapshot()).isEqualTo(new ReceptionStats.Snapshot(500, 0, 0.0));
        assertThat(ReceptionStats.mos(s.snapshot())).isBetween(4.3, 4.5);
    }

    @Test
    void missingSequenceNumbersCountAsLostAcrossTheWrap() {
        var s = new ReceptionStats(8000);
        int seq = 65500;
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 3) s.onPacket(seq & 0xFFFF, 160L * i, FRAME_NANOS * i);
            seq++;
        }
        assertThat(s.snapshot().received()).isEqualTo(90);
        assertThat(s.snapshot().lost()).isEqualTo(10);
        // G.107 with Bpl 25.1: Ie,eff = 95·10/(10+25.1) = 27.1, R = 93.2 − 1.9 − 27.1 = 64.2 → MOS 3.3 ("fair").
        assertThat(ReceptionStats.mos(s.snapshot())).isCloseTo(3.3, within(0.05));
    }

    @Test
    void alternatingArrivalDelayShowsAsJitter() {
        var s = new ReceptionStats(8000);
        for (int i = 0; i < 1000; i++) s.onPacket(i, 160L * i, FRAME_NANOS * i + (i % 2 == 0 ? 0 : 10_000_000L));
        // |D| = 10 ms every packet, so J converges to 10 ms.
        assertThat(s.snapshot().jitterMs()).isCloseTo(10.0, within(0.1));
    }
}
