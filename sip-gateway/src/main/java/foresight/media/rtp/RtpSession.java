package foresight.media.rtp;

import foresight.media.dtmf.DtmfReceiver;
import foresight.media.dtmf.InbandDtmfDetector;
import foresight.media.dtmf.TelephoneEvent;
import foresight.media.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One RTP stream pair on one local UDP port: G.711 audio both ways and RFC 4733 events.
 * Inbound packets are decoded on the Netty event loop into 20 ms PCM frames queued for the pacer;
 * outbound packets are written by the pacer thread only. The remote address comes from SDP and is then
 * latched to where the peer's packets really come from (symmetric RTP, RFC 4961), which is what NATs need.
 */
public final class RtpSession implements AutoCloseable {
    public static final int SAMPLES_PER_FRAME = 160;

    /** RTCP reports every 5 s (RFC 3550 §6.2 minimum interval). */
    static final long RTCP_INTERVAL_SECONDS = 5;

    private volatile Channel channel; // set once, right after bind
    private volatile Channel rtcpChannel; // port + 1; null if none
    private volatile InetSocketAddress rtcpRemote;
    private volatile boolean rtcpLatched;
    private volatile java.util.concurrent.ScheduledFuture<?> rtcpTimer;
    private volatile PeerReport peerReport; // what the peer's last RTCP said about our stream
    private long lastSrMiddle, lastSrArrivalNanos; // rtp event loop: the peer's last SR, for LSR/DLSR
    private final AtomicLong octetsOut = new AtomicLong();
    private volatile long lastSentTimestamp, lastSentNanos; // pacer writes; the RTCP timer reads
    private final int localPort;
    private final JitterBuffer inbound = new JitterBuffer(); // event loop writes, pacer reads
    private final DtmfReceiver dtmf = new DtmfReceiver(); // event loop only
    private final InbandDtmfDetector inband = new InbandDtmfDetector(); // event loop only
    private boolean peerUsesRfc4733; // event loop only: then tones in the audio are not keys to count twice
    private final AtomicLong packetsIn = new AtomicLong();
    private final ReceptionStats reception = new ReceptionStats(8000); // event loop writes
    private final AtomicLong packetsOut = new AtomicLong();
    private volatile InetSocketAddress remote;
    private volatile boolean latched;
    private volatile int payloadType = 0;
    private volatile int telephoneEventType = 101;
    private volatile Consumer<Character> digitListener = d -> {};
    private volatile boolean closed;
    private volatile boolean sendPaused;   // the peer holds us (it offered sendonly or inactive): send nothing
    private volatile boolean expectSilence; // the peer will not send (inactive/recvonly): do not time out
    private volatile long lastInboundNanos = System.nanoTime(); // event loop writes

    // Written by the pacer thread only.
    private final long ssrc = ThreadLocalRandom.current().nextLong(0, 1L << 32);
    private int sequence = ThreadLocalRandom.current().nextInt(0, 1 << 16);
    private long timestamp = ThreadLocalRandom.current().nextLong(0, 1L << 31);
    private boolean sentAny;
    private final byte[] encodeBuffer = new byte[SAMPLES_PER_FRAME];
    // SRTP (RFC 3711), null for plain RTP. One context per direction and stream: the pacer owns srtpOut, the RTP
    // event loop srtpIn, the RTCP timer and handler the two SRTCP ones; set once before media flows.
    private volatile foresight.media.srtp.SrtpContext srtpOut, srtpIn, srtcpOut, srtcpIn;
    private final AtomicLong srtpRejected = new AtomicLong();
    private volatile byte[] inboundKey; // the peer's SDES key in use

    RtpSession(int localPort) {
        this.localPort = localPort;
    }

    void attach(Channel channel) { this.channel = channel; }

    /** Adds the RTCP channel (port + 1) and starts sending reports on the RTP channel's event loop. */
    void attachRtcp(Channel rtcp) {
        this.rtcpChannel = rtcp;
        rtcpTimer = channel.eventLoop().scheduleAtFixedRate(this::sendRtcp, RTCP_INTERVAL_SECONDS, RTCP_INTERVAL_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * The peer's view of our stream from its last RTCP report block: fraction lost (0–1), cumulative loss,
     * jitter in ms, and the round-trip time in ms (-1 if the peer did not echo one of our sender reports).
     */
    public record PeerReport(double fractionLost, long cumulativeLost, double jitterMs, double rttMs) {}

    /** Null until the peer sent an RTCP report about our stream. */
    public PeerReport peerReport() { return peerReport; }

    public int localPort() { return localPort; }

    /** Sets where to send (from the peer's SDP) and the negotiated payload types. */
    public void configure(InetSocketAddress remote, int payloadType, int telephoneEventType) {
        if (payloadType != 0 && payloadType != 8) throw new IllegalArgumentException("unsupported payload type " + payloadType);
        if (!latched && !remote.getAddress().isAnyLocalAddress()) this.remote = remote;
        if (!rtcpLatched && !remote.getAddress().isAnyLocalAddress()) this.rtcpRemote = new InetSocketAddress(remote.getAddress(), remote.getPort() + 1);
        this.payloadType = payloadType;
        this.telephoneEventType = telephoneEventType;
    }

    public int payloadType() { return payloadType; }

    /**
     * Switches the session to SRTP/SRTCP: what we send is protected with {@code ourKey}, what arrives must
     * authenticate under {@code theirKey} (each 30 bytes: master key || salt, from SDES). Call before media flows,
     * or again on a re-key.
     */
    public void secure(byte[] ourKey, byte[] theirKey) {
        srtpOut = foresight.media.srtp.SrtpContext.of(ourKey);
        srtcpOut = foresight.media.srtp.SrtpContext.of(ourKey);
        srtpIn = foresight.media.srtp.SrtpContext.of(theirKey);
        srtcpIn = foresight.media.srtp.SrtpContext.of(theirKey);
        inboundKey = theirKey.clone();
    }

    /** Takes the peer's key from a re-offer; a key unchanged keeps the current contexts (and their rollover state). */
    public void rekeyInbound(byte[] theirKey) {
        if (java.util.Arrays.equals(theirKey, inboundKey)) return;
        inboundKey = theirKey.clone();
        srtpIn = foresight.media.srtp.SrtpContext.of(theirKey);
        srtcpIn = foresight.media.srtp.SrtpContext.of(theirKey);
    }

    public boolean secured() { return srtpOut != null; }

    /** SRTP/SRTCP packets dropped for failing authentication (wrong key, tampering, or plain RTP on a secure call). */
    public long srtpRejected() { return srtpRejected.get(); }

    /** Applies a hold or resume from the peer's SDP: what we may send, and whether RTP from it is expected. */
    public void hold(boolean sendPaused, boolean expectSilence) {
        this.sendPaused = sendPaused;
        this.expectSilence = expectSilence;
        if (!expectSilence) lastInboundNanos = System.nanoTime(); // restart the inactivity clock on resume
    }

    public boolean onHold() { return sendPaused || expectSilence; }

    /** True while the peer has said it will send nothing, so silence is no sign of a dead call. */
    public boolean expectsSilence() { return expectSilence; }

    public void onDigit(Consumer<Character> listener) { this.digitListener = listener; }

    /** A key press that arrived by signalling (SIP INFO) rather than in the media. */
    public void deliverDigit(char digit) { digitListener.accept(digit); }

    /** The next received 20 ms frame, or null if none arrived in time. Pacer thread. */
    public short[] pollInbound() { return inbound.poll(); }

    /** Sends one 20 ms audio frame. Pacer thread only. */
    public void sendAudio(short[] pcm) {
        G711.encode(payloadType, pcm, encodeBuffer);
        send(payloadType, !sentAny, encodeBuffer, timestamp);
        timestamp += SAMPLES_PER_FRAME;
    }

    /** Sends one 20 ms frame already encoded in this session's payload type (a shared clip's). Pacer thread only. */
    public void sendEncoded(byte[] payload) {
        send(payloadType, !sentAny, payload, timestamp);
        timestamp += SAMPLES_PER_FRAME;
    }

    /**
     * Sends one RFC 4733 event packet. All packets of one key press carry the timestamp of its start
     * (§2.3.1); the caller keeps that timestamp via {@link #eventStartTimestamp()}. Pacer thread only.
     */
    public void sendEvent(TelephoneEvent event, long eventTimestamp, boolean first) {
        send(telephoneEventType, first, event.encode(), eventTimestamp);
    }

    /** The timestamp a key press starting now gets; advances the clock by one frame. Pacer thread only. */
    public long eventStartTimestamp() { return timestamp; }

    /** Keeps the media clock running while an event is being sent instead of audio. Pacer thread only. */
    public void advanceFrame() { timestamp += SAMPLES_PER_FRAME; }

    private void send(int pt, boolean marker, byte[] payload, long ts) {
        InetSocketAddress to = remote;
        if (closed || to == null || sendPaused) return;
        ByteBuf buf = channel.alloc().directBuffer(RtpPacket.HEADER_BYTES + payload.length);
        new RtpPacket(pt, marker, sequence, ts & 0xFFFFFFFFL, ssrc, payload).writeTo(buf);
        var srtp = srtpOut;
        if (srtp != null) {
            byte[] plain = io.netty.buffer.ByteBufUtil.getBytes(buf);
            buf.release();
            buf = io.netty.buffer.Unpooled.wrappedBuffer(srtp.protect(plain));
        }
        sequence = (sequence + 1) & 0xFFFF;
        sentAny = true;
        channel.writeAndFlush(new DatagramPacket(buf, to), channel.voidPromise());
        packetsOut.incrementAndGet();
        octetsOut.addAndGet(payload.length);
        lastSentTimestamp = ts;
        lastSentNanos = System.nanoTime();
    }

    public long packetsIn() { return packetsIn.get(); }

    /** Loss and jitter of what the peer sent so far. */
    public ReceptionStats.Snapshot reception() { return reception.snapshot(); }

    /** When the last RTP packet arrived (System.nanoTime), or when the session opened if none has. */
    public long lastInboundNanos() { return lastInboundNanos; }

    public long packetsOut() { return packetsOut.get(); }

    public long framesDropped() { return inbound.dropped(); }

    public long framesConcealed() { return inbound.concealed(); }

    /** Frames that arrived after their playout time and were dropped (each one deepened the jitter buffer). */
    public long framesLate() { return inbound.late(); }

    /** The jitter buffer's current playout depth in milliseconds. */
    public int playoutDelayMs() { return inbound.targetFrames() * 20; }

    public InetSocketAddress remote() { return remote; }

    /** Sends SR (or RR if we sent nothing lately) + SDES. Runs on the RTP channel's event loop, like reception. */
    private void sendRtcp() {
        Channel rc = rtcpChannel;
        InetSocketAddress to = rtcpRemote;
        if (closed || rc == null || to == null) return;
        long lsr = lastSrMiddle;
        long dlsr = lsr == 0 ? 0 : (System.nanoTime() - lastSrArrivalNanos) * 65536 / 1_000_000_000L;
        Rtcp.ReportBlock block = packetsIn.get() == 0 ? null : reception.reportBlock(lsr, dlsr);
        long now = System.nanoTime();
        boolean sender = packetsOut.get() > 0 && now - lastSentNanos < RTCP_INTERVAL_SECONDS * 2_000_000_000L;
        // The RTP timestamp matching "now": the last one sent plus the time since, at 8 kHz.
        long rtpNow = lastSentTimestamp + (now - lastSentNanos) * 8000 / 1_000_000_000L;
        byte[] packet = Rtcp.build(ssrc, sender, Rtcp.ntp(java.time.Instant.now()), rtpNow, packetsOut.get(), octetsOut.get(), block,
                "foresight@" + localPort);
        var srtcp = srtcpOut;
        if (srtcp != null) packet = srtcp.protectRtcp(packet);
        rc.writeAndFlush(new DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(packet), to), rc.voidPromise());
    }

    @Override
    public void close() {
        closed = true;
        var timer = rtcpTimer;
        if (timer != null) timer.cancel(false);
        if (channel != null) channel.close();
        Channel rc = rtcpChannel;
        if (rc != null) rc.close();
    }

    /** Reads the peer's RTCP: its sender reports (for LSR/DLSR) and its report block about our stream. */
    final class RtcpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            ByteBuf content = msg.content();
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            var srtcp = srtcpIn;
            if (srtcp != null && (data = srtcp.unprotectRtcp(data)) == null) {
                srtpRejected.incrementAndGet();
                return;
            }
            Rtcp.Parsed p = Rtcp.parse(data, data.length);
            if (p == null) return;
            if (!rtcpLatched) {
                rtcpRemote = msg.sender();
                rtcpLatched = true;
            }
            long arrived = System.nanoTime();
            long nowMiddle = Rtcp.middle32(Rtcp.ntp(java.time.Instant.now()));
            if (p.senderReport()) {
                long middle = p.srNtpMiddle();
                long at = arrived;
                channel.eventLoop().execute(() -> { // LSR state belongs to the RTP loop, where reports are built
                    lastSrMiddle = middle;
                    lastSrArrivalNanos = at;
                });
            }
            for (Rtcp.ReportBlock b : p.blocks()) {
                if (b.ssrc() != ssrc) continue;
                double rtt = b.lsr() == 0 ? -1 : ((nowMiddle - b.lsr() - b.dlsr()) & 0xFFFFFFFFL) * 1000.0 / 65536;
                if (rtt > 60_000) rtt = -1; // clocks or echo that make no sense
                peerReport = new PeerReport(b.fractionLost() / 256.0, b.cumulativeLost(), b.jitter() * 1000.0 / 8000, rtt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A bad datagram never closes the session.
        }
    }

    /** Decodes datagrams into frames and digits on the event loop. */
    final class InboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            RtpPacket p;
            var srtp = srtpIn;
            if (srtp != null) {
                byte[] plain = srtp.unprotect(io.netty.buffer.ByteBufUtil.getBytes(msg.content()));
                if (plain == null) {
                    srtpRejected.incrementAndGet();
                    return;
                }
                p = RtpPacket.parse(io.netty.buffer.Unpooled.wrappedBuffer(plain));
            } else {
                p = RtpPacket.parse(msg.content());
            }
            if (p == null) return;
            packetsIn.incrementAndGet();
            lastInboundNanos = System.nanoTime();
            reception.onPacket(p.ssrc(), p.sequence(), p.timestamp(), lastInboundNanos);
            if (!latched) {
                remote = msg.sender();
                latched = true;
                if (!rtcpLatched) rtcpRemote = new InetSocketAddress(msg.sender().getAddress(), msg.sender().getPort() + 1);
            }
            if (p.payloadType() == telephoneEventType) {
                peerUsesRfc4733 = true;
                char d = dtmf.onPacket(p.timestamp(), TelephoneEvent.parse(p.payload()));
                if (d != 0) digitListener.accept(d);
                return;
            }
            if (p.payloadType() != 0 && p.payloadType() != 8) return; // comfort noise and others: nothing to play
            short[] pcm = G711.decode(p.payloadType(), p.payload(), 0, p.payload().length);
            // Peers may packetise other than 20 ms; cut into 20 ms frames, dropping a ragged tail.
            for (int off = 0; off + SAMPLES_PER_FRAME <= pcm.length; off += SAMPLES_PER_FRAME) {
                short[] frame = off == 0 && pcm.length == SAMPLES_PER_FRAME ? pcm : java.util.Arrays.copyOfRange(pcm, off, off + SAMPLES_PER_FRAME);
                inbound.offer(p.timestamp() + off, frame);
                if (!peerUsesRfc4733) {
                    char d = inband.onFrame(frame);
                    if (d != 0) digitListener.accept(d);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A bad datagram never closes the session.
        }
    }
}
