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

    private volatile Channel channel; // set once, right after bind
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

    RtpSession(int localPort) {
        this.localPort = localPort;
    }

    void attach(Channel channel) { this.channel = channel; }

    public int localPort() { return localPort; }

    /** Sets where to send (from the peer's SDP) and the negotiated payload types. */
    public void configure(InetSocketAddress remote, int payloadType, int telephoneEventType) {
        if (payloadType != 0 && payloadType != 8) throw new IllegalArgumentException("unsupported payload type " + payloadType);
        if (!latched && !remote.getAddress().isAnyLocalAddress()) this.remote = remote;
        this.payloadType = payloadType;
        this.telephoneEventType = telephoneEventType;
    }

    public int payloadType() { return payloadType; }

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
        sequence = (sequence + 1) & 0xFFFF;
        sentAny = true;
        channel.writeAndFlush(new DatagramPacket(buf, to), channel.voidPromise());
        packetsOut.incrementAndGet();
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

    @Override
    public void close() {
        closed = true;
        if (channel != null) channel.close();
    }

    /** Decodes datagrams into frames and digits on the event loop. */
    final class InboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            RtpPacket p = RtpPacket.parse(msg.content());
            if (p == null) return;
            packetsIn.incrementAndGet();
            lastInboundNanos = System.nanoTime();
            reception.onPacket(p.sequence(), p.timestamp(), lastInboundNanos);
            if (!latched) {
                remote = msg.sender();
                latched = true;
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
