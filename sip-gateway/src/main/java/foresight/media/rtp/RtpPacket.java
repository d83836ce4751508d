package foresight.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * An RTP packet (RFC 3550 §5.1) with its payload copied out of the network buffer.
 * CSRCs and header extensions of received packets are skipped, never interpreted.
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {
    public static final int HEADER_BYTES = 12;

    public RtpPacket {
        if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payloadType=" + payloadType);
        if (sequence < 0 || sequence > 0xFFFF) throw new IllegalArgumentException("sequence=" + sequence);
    }

    /** Parses a datagram; returns null for anything that is not RTP version 2 (RTCP, STUN, garbage). */
    public static RtpPacket parse(ByteBuf buf) {
        int len = buf.readableBytes();
        if (len < HEADER_BYTES) return null;
        int i = buf.readerIndex();
        int b0 = buf.getUnsignedByte(i);
        int b1 = buf.getUnsignedByte(i + 1);
        if ((b0 >> 6) != 2) return null;
        int pt = b1 & 0x7F;
        if (pt >= 72 && pt <= 76) return null; // RFC 5761 §4: RTCP packet types 200-204 seen as PT 72-76
        int csrcCount = b0 & 0x0F;
        int offset = HEADER_BYTES + 4 * csrcCount;
        if ((b0 & 0x10) != 0) {
            if (len < offset + 4) return null;
            offset += 4 + 4 * buf.getUnsignedShort(i + offset + 2);
        }
        int end = len;
        if ((b0 & 0x20) != 0) end -= buf.getUnsignedByte(i + len - 1); // padding
        if (end < offset) return null;
        byte[] payload = new byte[end - offset];
        buf.getBytes(i + offset, payload);
        return new RtpPacket(pt, (b1 & 0x80) != 0, buf.getUnsignedShort(i + 2), buf.getUnsignedInt(i + 4), buf.getUnsignedInt(i + 8), payload);
    }

    public void writeTo(ByteBuf out) {
        out.writeByte(0x80);
        out.writeByte((marker ? 0x80 : 0) | payloadType);
        out.writeShort(sequence);
        out.writeInt((int) timestamp);
        out.writeInt((int) ssrc);
        out.writeBytes(payload);
    }
}
