package foresight.media.rtp;

/**
 * What arrived on one RTP stream, as an RTCP receiver report would state it: packets received, packets lost
 * (RFC 3550 §6.4.1 and A.3: expected from the extended highest sequence number minus received) and
 * interarrival jitter (RFC 3550 §6.4.1 and A.8: J += (|D| - J) / 16, in timestamp units). Updated by one
 * session's event loop; {@link #snapshot} may be read from any thread.
 */
public final class ReceptionStats {
    /** A consistent reading. */
    public record Snapshot(long received, long lost, double jitterMs) {}

    private final int clockRateHz;
    private boolean started;
    private int baseSeq;
    private int maxSeq;
    private long cycles;
    private long received;
    private double jitter;       // timestamp units
    private long lastTransit;    // arrival (timestamp units) minus RTP timestamp
    private long peerSsrc;
    private long expectedPrior, receivedPrior; // at the last report block (RFC 3550 A.3)
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0);

    public ReceptionStats(int clockRateHz) { this.clockRateHz = clockRateHz; }

    /** Records a packet with its sequence number and timestamp, arriving at {@code arrivalNanos}. */
    public void onPacket(int sequence, long timestamp, long arrivalNanos) { onPacket(0, sequence, timestamp, arrivalNanos); }

    /** As above, remembering the sender's SSRC for report blocks. */
    public void onPacket(long ssrc, int sequence, long timestamp, long arrivalNanos) {
        peerSsrc = ssrc;
        long arrival = arrivalNanos * clockRateHz / 1_000_000_000L;
        if (!started) {
            started = true;
            baseSeq = sequence;
            maxSeq = sequence;
            lastTransit = arrival - timestamp;
        } else {
            int delta = (sequence - maxSeq) & 0xFFFF;
            if (delta > 0 && delta < 0x8000) { // in order (maybe after a gap); RFC 3550 A.1 probation left out
                if (sequence < maxSeq) cycles += 0x10000;
                maxSeq = sequence;
            }
            long transit = arrival - timestamp;
            long d = Math.abs(transit - lastTransit);
            lastTransit = transit;
            jitter += (d - jitter) / 16.0;
        }
        received++;
        long expected = cycles + maxSeq - baseSeq + 1;
        snapshot = new Snapshot(received, Math.max(0, expected - received), jitter * 1000.0 / clockRateHz);
    }

    public Snapshot snapshot() { return snapshot; }

    /**
     * The RTCP report block for what was received so far (RFC 3550 §6.4.1, A.3): fraction lost since the previous
     * block, cumulative loss, extended highest sequence number, jitter. Null before the first packet. Same thread
     * as {@link #onPacket}.
     */
    public Rtcp.ReportBlock reportBlock(long lsr, long dlsr) {
        if (!started) return null;
        long extMax = cycles + maxSeq;
        long expected = extMax - baseSeq + 1;
        long expectedInterval = expected - expectedPrior;
        long lostInterval = expectedInterval - (received - receivedPrior);
        expectedPrior = expected;
        receivedPrior = received;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        return new Rtcp.ReportBlock(peerSsrc, fraction, Math.max(0, expected - received), extMax & 0xFFFFFFFFL, (long) jitter, lsr, dlsr);
    }

    /**
     * Estimated listening quality (MOS, 1–4.5) for G.711 from loss and jitter by a simplified ITU-T G.107
     * E-model: R = 93.2 − Id − Ie,eff with Bpl = 25.1 (G.711 with concealment) and a one-way delay of 80 ms
     * (20 ms packets + 60 ms playout buffer) plus twice the jitter.
     */
    public static double mos(Snapshot s) {
        long expected = s.received() + s.lost();
        double lossPercent = expected == 0 ? 0 : 100.0 * s.lost() / expected;
        double delayMs = 80 + 2 * s.jitterMs();
        double id = 0.024 * delayMs + (delayMs > 177.3 ? 0.11 * (delayMs - 177.3) : 0);
        double ieEff = 95 * lossPercent / (lossPercent + 25.1);
        double r = 93.2 - id - ieEff;
        if (r <= 0) return 1;
        if (r >= 100) return 4.5;
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
    }
}
