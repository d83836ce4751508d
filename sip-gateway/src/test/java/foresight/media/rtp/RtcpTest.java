package foresight.media.rtp;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RtcpTest {
    @Test
    void senderReportWithABlockRoundTripsAndIsACompoundPacketWithCname() {
        var block = new Rtcp.ReportBlock(0xCAFEBABEL, 64, 12, 70_000, 80, 0x1234_5678L, 0x0001_0000L);
        long ntp = Rtcp.ntp(Instant.parse("2026-11-25T12:00:00.5Z"));
        byte[] packet = Rtcp.build(0xDEADBEEFL, true, ntp, 160_000, 500, 80_000, block, "foresight@40000");
        assertThat(packet.length % 4).as("32-bit aligned").isZero();
        assertThat(packet[0] & 0xFF).as("V=2, one report block").isEqualTo(0x81);
        assertThat(packet[1] & 0xFF).isEqualTo(Rtcp.SR);
        assertThat(packet[52 + 1] & 0xFF).as("SDES follows the 52-byte SR").isEqualTo(Rtcp.SDES);

        var parsed = Rtcp.parse(packet, packet.length);
        assertThat(parsed.senderSsrc()).isEqualTo(0xDEADBEEFL);
        assertThat(parsed.senderReport()).isTrue();
        assertThat(parsed.srNtpMiddle()).isEqualTo(Rtcp.middle32(ntp));
        assertThat(parsed.blocks()).containsExactly(block);
    }

    @Test
    void receiverReportWithoutBlocksParses() {
        byte[] packet = Rtcp.build(7, false, 0, 0, 0, 0, null, "x");
        var parsed = Rtcp.parse(packet, packet.length);
        assertThat(parsed.senderReport()).isFalse();
        assertThat(parsed.blocks()).isEmpty();
        assertThat(parsed.senderSsrc()).isEqualTo(7);
    }

    @Test
    void ntpTimestampOfTheUnixEpochAndHalfASecond() {
        long ntp = Rtcp.ntp(Instant.ofEpochSecond(0, 500_000_000));
        assertThat(ntp >>> 32).isEqualTo(2_208_988_800L);
        assertThat(ntp & 0xFFFFFFFFL).isEqualTo(0x8000_0000L);
    }

    @Test
    void rtpAndGarbageAreNotRtcp() {
        byte[] rtp = {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThat(Rtcp.parse(rtp, rtp.length)).isNull();
        byte[] truncated = Rtcp.build(7, true, 1, 2, 3, 4, null, "x");
        assertThat(Rtcp.parse(truncated, 20)).isNull();
    }

    @Test
    void receptionStatsReportFractionLostSinceTheLastBlock() {
        var stats = new ReceptionStats(8000);
        for (int seq = 0; seq < 100; seq++) if (seq % 10 != 0) stats.onPacket(42, seq, seq * 160L, seq * 20_000_000L);
        var first = stats.reportBlock(0, 0);
        assertThat(first.ssrc()).isEqualTo(42);
        assertThat(first.cumulativeLost()).isEqualTo(9); // seq 0 starts the count; 10, 20 … 90 are missing
        assertThat(first.fractionLost()).isEqualTo(9 * 256 / 100);
        for (int seq = 100; seq < 200; seq++) stats.onPacket(42, seq, seq * 160L, seq * 20_000_000L);
        assertThat(stats.reportBlock(0, 0).fractionLost()).as("nothing lost since the last block").isZero();
    }
}
