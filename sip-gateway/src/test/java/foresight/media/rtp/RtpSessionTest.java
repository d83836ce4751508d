package foresight.media.rtp;

import foresight.media.dtmf.TelephoneEvent;
import foresight.media.g711.G711;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RtpSession's inbound handler and its sending side, in memory with Netty's EmbeddedChannel (no sockets). */
class RtpSessionTest {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress FROM_SDP = new InetSocketAddress("127.0.0.1", 30000);
    static final InetSocketAddress NATTED = new InetSocketAddress("127.0.0.1", 31234);

    final RtpSession session = new RtpSession(LOCAL.getPort());
    final EmbeddedChannel channel = new EmbeddedChannel(session.new InboundHandler());

    RtpSessionTest() { session.attach(channel); }

    @AfterEach
    void close() {
        for (Object o; (o = channel.readOutbound()) != null; ) ((DatagramPacket) o).release();
        channel.finishAndReleaseAll();
    }

    @Test
    void audioFromThePeerIsDecodedIntoFramesInTimestampOrder() {
        short[][] sent = new short[4][];
        for (int i = 0; i < 4; i++) {
            sent[i] = tone(1000 * (i + 1));
            byte[] ulaw = new byte[RtpSession.SAMPLES_PER_FRAME];
            G711.encode(0, sent[i], ulaw);
            sent[i] = G711.decode(0, ulaw, 0, ulaw.length); // what µ-law can carry
        }
        int[] order = {0, 2, 1, 3}; // the second and third packets swapped in transit
        for (int i : order) receive(new RtpPacket(0, i == 0, 100 + i, 8000L + 160L * i, 0x1234, encode(sent[i])), FROM_SDP);

        assertThat(session.packetsIn()).isEqualTo(4);
        for (int i = 0; i < 4; i++) assertThat(session.pollInbound()).as("frame %d", i).isEqualTo(sent[i]);
    }

    @Test
    void aFortyMillisecondPacketBecomesTwoFrames() {
        short[] pcm = new short[2 * RtpSession.SAMPLES_PER_FRAME];
        Arrays.fill(pcm, 0, RtpSession.SAMPLES_PER_FRAME, (short) 4000);
        Arrays.fill(pcm, RtpSession.SAMPLES_PER_FRAME, pcm.length, (short) -4000);
        receive(new RtpPacket(0, true, 1, 0, 0x99, encode(pcm)), FROM_SDP);
        receive(new RtpPacket(0, false, 2, 320, 0x99, encode(new short[RtpSession.SAMPLES_PER_FRAME])), FROM_SDP);
        short[] first = session.pollInbound();
        short[] second = session.pollInbound();
        assertThat(first).hasSize(RtpSession.SAMPLES_PER_FRAME);
        assertThat(first[0]).isPositive();
        assertThat(second).hasSize(RtpSession.SAMPLES_PER_FRAME);
        assertThat(second[0]).isNegative();
    }

    @Test
    void aKeyPressSentAsRfc4733EventsIsReportedOnce() {
        List<Character> digits = new ArrayList<>();
        session.onDigit(digits::add);
        session.configure(FROM_SDP, 0, 101);
        for (int i = 0; i < 3; i++) receive(new RtpPacket(101, i == 0, 10 + i, 48000, 0x77, TelephoneEvent.of('5', false, 160 * (i + 1)).encode()), FROM_SDP);
        for (int i = 0; i < 3; i++) receive(new RtpPacket(101, false, 13 + i, 48000, 0x77, TelephoneEvent.of('5', true, 640).encode()), FROM_SDP);
        assertThat(digits).containsExactly('5');
        assertThat(session.pollInbound()).as("events are not audio").isNull();
    }

    @Test
    void sendingGoesToTheAddressThePeersPacketsComeFromNotTheOneInItsSdp() {
        session.configure(FROM_SDP, 0, 101);
        session.sendAudio(tone(2000));
        assertThat(((DatagramPacket) channel.readOutbound())).satisfies(p -> {
            assertThat(p.recipient()).isEqualTo(FROM_SDP);
            p.release();
        });
        receive(new RtpPacket(0, true, 1, 0, 0x42, encode(new short[RtpSession.SAMPLES_PER_FRAME])), NATTED);
        session.sendAudio(tone(2000));
        DatagramPacket p = channel.readOutbound();
        assertThat(p.recipient()).as("symmetric RTP (RFC 4961): latched to the real source").isEqualTo(NATTED);
        p.release();
        session.configure(FROM_SDP, 0, 101);
        assertThat(session.remote()).as("a later SDP does not undo the latch").isEqualTo(NATTED);
    }

    @Test
    void outgoingPacketsCarryTheNegotiatedTypeOneMarkerAndConsecutiveSequenceAndTimestamps() {
        session.configure(FROM_SDP, 8, 101);
        session.sendAudio(tone(1000));
        session.sendAudio(tone(1000));
        RtpPacket first = sent();
        RtpPacket second = sent();
        assertThat(first.payloadType()).as("PCMA").isEqualTo(8);
        assertThat(first.marker()).as("first packet of the stream").isTrue();
        assertThat(second.marker()).isFalse();
        assertThat(second.sequence()).isEqualTo((first.sequence() + 1) & 0xFFFF);
        assertThat(second.timestamp()).isEqualTo((first.timestamp() + RtpSession.SAMPLES_PER_FRAME) & 0xFFFFFFFFL);
        assertThat(second.ssrc()).isEqualTo(first.ssrc());
        assertThat(G711.decode(8, second.payload(), 0, second.payload().length)[40]).isNotZero();
        assertThat(session.packetsOut()).isEqualTo(2);
    }

    @Test
    void nothingIsSentWhileThePeerHoldsTheCall() {
        session.configure(FROM_SDP, 0, 101);
        session.hold(true, true);
        session.sendAudio(tone(1000));
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(session.onHold()).isTrue();
        session.hold(false, false);
        session.sendAudio(tone(1000));
        assertThat(sent().marker()).as("the stream's first packet after all").isTrue();
    }

    @Test
    void aDatagramThatIsNotRtpIsIgnoredAndTheSessionLivesOn() {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}), LOCAL, FROM_SDP));
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer("OPTIONS sip:x SIP/2.0\r\n".getBytes()), LOCAL, FROM_SDP));
        assertThat(session.packetsIn()).isZero();
        assertThat(session.remote()).as("garbage does not latch the address").isNull();
        assertThat(channel.isOpen()).isTrue();
        receive(new RtpPacket(0, true, 1, 0, 0x42, encode(new short[RtpSession.SAMPLES_PER_FRAME])), FROM_SDP);
        assertThat(session.packetsIn()).isEqualTo(1);
    }

    @Test
    void closingTheSessionClosesItsChannelAndStopsSending() {
        session.configure(FROM_SDP, 0, 101);
        session.close();
        assertThat(channel.isOpen()).isFalse();
        session.sendAudio(tone(1000));
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private void receive(RtpPacket p, InetSocketAddress from) {
        ByteBuf buf = Unpooled.buffer();
        p.writeTo(buf);
        channel.writeInbound(new DatagramPacket(buf, LOCAL, from));
    }

    private RtpPacket sent() {
        DatagramPacket d = channel.readOutbound();
        assertThat(d).as("a packet was sent").isNotNull();
        try {
            return RtpPacket.parse(d.content());
        } finally {
            d.release();
        }
    }

    private static byte[] encode(short[] pcm) {
        byte[] out = new byte[pcm.length];
        G711.encode(0, pcm, out);
        return out;
    }

    private static short[] tone(int amplitude) {
        short[] s = new short[RtpSession.SAMPLES_PER_FRAME];
        for (int i = 0; i < s.length; i++) s[i] = (short) (amplitude * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        return s;
    }
}
