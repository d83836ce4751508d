package foresight.media.rtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * RTCP (RFC 3550 §6) as Foresight speaks it: a compound packet of one sender report (or receiver report when we
 * sent nothing) with at most one report block, followed by the mandatory SDES CNAME; and a parser that reads the
 * peer's SR/RR report blocks about our stream. Pure encoding, no I/O.
 */
public final class Rtcp {
    static final int SR = 200, RR = 201, SDES = 202, BYE = 203;
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private Rtcp() {}

    /** A reception report block (RFC 3550 §6.4.1); {@code jitter} in timestamp units, LSR/DLSR as on the wire. */
    public record ReportBlock(long ssrc, int fractionLost, long cumulativeLost, long highestSeq, long jitter, long lsr, long dlsr) {}

    /** What one compound packet said: the sender, its NTP time if it was a sender report, report blocks, BYE. */
    public record Parsed(long senderSsrc, long srNtpMiddle, boolean senderReport, List<ReportBlock> blocks, boolean bye) {}

    /** The 64-bit NTP timestamp of an instant (RFC 3550 §4). */
    public static long ntp(Instant t) {
        long seconds = t.getEpochSecond() + NTP_UNIX_OFFSET_SECONDS;
        long fraction = ((long) t.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | (fraction & 0xFFFFFFFFL);
    }

    /** The middle 32 bits of an NTP timestamp: the unit of LSR and of round-trip arithmetic (1/65536 s). */
    public static long middle32(long ntp) { return (ntp >>> 16) & 0xFFFFFFFFL; }

    /**
     * Builds SR (when {@code sender}) or RR, plus SDES CNAME.
     *
     * @param block a report about the peer's stream, or null if nothing was received yet
     */
    public static byte[] build(long ssrc, boolean sender, long ntp, long rtpTimestamp, long packets, long octets, ReportBlock block, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.US_ASCII);
        int blocks = block == null ? 0 : 1;
        int reportLen = 8 + (sender ? 20 : 0) + 24 * blocks;
        int sdesItems = 4 + 2 + name.length + 1;           // SSRC, CNAME item, END
        int sdesLen = 4 + ((sdesItems + 3) / 4) * 4;       // padded to 32 bits
        ByteBuffer b = ByteBuffer.allocate(reportLen + sdesLen);
        b.put((byte) (0x80 | blocks)).put((byte) (sender ? SR : RR)).putShort((short) (reportLen / 4 - 1));
        b.putInt((int) ssrc);
        if (sender) {
            b.putLong(ntp).putInt((int) rtpTimestamp).putInt((int) packets).putInt((int) octets);
        }
        if (block != null) {
            b.putInt((int) block.ssrc());
            b.putInt((block.fractionLost() & 0xFF) << 24 | (int) (Math.min(block.cumulativeLost(), 0x7FFFFF) & 0xFFFFFF));
            b.putInt((int) block.highestSeq()).putInt((int) block.jitter()).putInt((int) block.lsr()).putInt((int) block.dlsr());
        }
        b.put((byte) 0x81).put((byte) SDES).putShort((short) (sdesLen / 4 - 1));
        b.putInt((int) ssrc);
        b.put((byte) 1).put((byte) name.length).put(name).put((byte) 0);
        while (b.position() % 4 != 0) b.put((byte) 0);
        return b.array();
    }

    /** Parses a compound RTCP packet; null if it is not one (wrong version, truncated, not starting with SR/RR). */
    public static Parsed parse(byte[] data, int length) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        long sender = -1, ntpMiddle = 0;
        boolean isSr = false, bye = false;
        List<ReportBlock> blocks = new ArrayList<>();
        boolean first = true;
        while (b.remaining() >= 4) {
            int start = b.position();
            int b0 = b.get() & 0xFF, pt = b.get() & 0xFF, words = b.getShort() & 0xFFFF;
            int end = start + 4 * (words + 1);
            if ((b0 >> 6) != 2 || end > length) return null;
            if (first && pt != SR && pt != RR) return null; // RFC 3550 §6.1: a compound packet starts with SR or RR
            first = false;
            int count = b0 & 0x1F;
            if ((pt == SR || pt == RR) && b.remaining() >= 4) {
                sender = b.getInt() & 0xFFFFFFFFL;
                if (pt == SR) {
                    if (end - b.position() < 20) return null;
                    long ntp = b.getLong();
                    ntpMiddle = middle32(ntp);
                    isSr = true;
                    b.position(b.position() + 12);
                }
                for (int i = 0; i < count && end - b.position() >= 24; i++) {
                    long ssrc = b.getInt() & 0xFFFFFFFFL;
                    int lost = b.getInt();
                    int fraction = (lost >>> 24) & 0xFF;
                    long cumulative = lost & 0xFFFFFF;
                    if ((cumulative & 0x800000) != 0) cumulative -= 0x1000000; // signed 24-bit
                    blocks.add(new ReportBlock(ssrc, fraction, cumulative, b.getInt() & 0xFFFFFFFFL, b.getInt() & 0xFFFFFFFFL,
                            b.getInt() & 0xFFFFFFFFL, b.getInt() & 0xFFFFFFFFL));
                }
            } else if (pt == BYE) {
                bye = true;
            }
            b.position(end);
        }
        return sender < 0 ? null : new Parsed(sender, ntpMiddle, isSr, blocks, bye);
    }
}
