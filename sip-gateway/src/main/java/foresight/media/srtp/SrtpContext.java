package foresight.media.srtp;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * One direction of an SRTP/SRTCP stream with the AES_CM_128_HMAC_SHA1_80 suite (RFC 3711, RFC 4568 §6.2.1): a
 * context either protects what we send or unprotects what we receive, never both. Not thread-safe: the owner is
 * the RTP session's event loop (receive) or the pacer (send).
 */
public final class SrtpContext {
    public static final int TAG_BYTES = 10;
    private static final int RTCP_INDEX_BYTES = 4;

    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final Mac rtpMac;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Mac rtcpMac;
    private final Cipher aes;
    private final byte[] iv = new byte[16];

    private long roc; // rollover counter (§3.3.1)
    private int highestSeq = -1; // s_l: highest sequence number seen (receive) or sent (send)
    private int rtcpIndex; // SRTCP index of the next packet we protect (§3.4)

    /** From the 16-byte master key and 14-byte master salt (the SDES inline key is their concatenation). */
    public SrtpContext(byte[] masterKey, byte[] masterSalt) {
        try {
            rtpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_ENCRYPTION, 16), "AES");
            rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_SALT, 14);
            rtpMac = Mac.getInstance("HmacSHA1");
            rtpMac.init(new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTP_AUTH, 20), "HmacSHA1"));
            rtcpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_ENCRYPTION, 16), "AES");
            rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_SALT, 14);
            rtcpMac = Mac.getInstance("HmacSHA1");
            rtcpMac.init(new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.RTCP_AUTH, 20), "HmacSHA1"));
            aes = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR or HMAC-SHA1 unavailable", e);
        }
    }

    /** From the 30 bytes of an SDES inline key (master key || master salt). */
    public static SrtpContext of(byte[] keyAndSalt) {
        if (keyAndSalt.length != 30) throw new IllegalArgumentException("AES_CM_128 inline key must be 30 bytes, was " + keyAndSalt.length);
        return new SrtpContext(Arrays.copyOfRange(keyAndSalt, 0, 16), Arrays.copyOfRange(keyAndSalt, 16, 30));
    }

    /** An RTP packet (header + payload) as SRTP: payload encrypted, 10-byte tag appended (§3.1). */
    public byte[] protect(byte[] rtp) {
        int headerLen = rtpHeaderLength(rtp, rtp.length);
        int seq = ((rtp[2] & 0xff) << 8) | (rtp[3] & 0xff);
        if (highestSeq >= 0 && seq < highestSeq && highestSeq - seq > 0x8000) roc++; // sequence number wrapped
        if (highestSeq < 0 || seqNewer(seq, highestSeq)) highestSeq = seq;
        long index = (roc << 16) | seq;
        byte[] out = Arrays.copyOf(rtp, rtp.length + TAG_BYTES);
        crypt(rtpKey, rtpSalt, ssrc(rtp), index, out, headerLen, rtp.length - headerLen);
        byte[] tag = tag(rtpMac, out, rtp.length, (int) roc);
        System.arraycopy(tag, 0, out, rtp.length, TAG_BYTES);
        return out;
    }

    /** The RTP packet inside an SRTP one, or null if it fails authentication or is malformed (it must be dropped). */
    public byte[] unprotect(byte[] srtp) {
        int len = srtp.length - TAG_BYTES;
        if (len < 12) return null;
        int headerLen;
        try {
            headerLen = rtpHeaderLength(srtp, len);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int seq = ((srtp[2] & 0xff) << 8) | (srtp[3] & 0xff);
        long v = guessRoc(seq); // §3.3.1 / Appendix A
        byte[] expected = tag(rtpMac, srtp, len, (int) v);
        if (!MessageDigest.isEqual(Arrays.copyOf(expected, TAG_BYTES), Arrays.copyOfRange(srtp, len, srtp.length))) return null;
        if (highestSeq < 0 || v > roc || (v == roc && seqNewer(seq, highestSeq))) {
            roc = v;
            highestSeq = seq;
        }
        byte[] out = Arrays.copyOf(srtp, len);
        crypt(rtpKey, rtpSalt, ssrc(srtp), (v << 16) | seq, out, headerLen, len - headerLen);
        return out;
    }

    /** An RTCP compound packet as SRTCP: all but the first 8 bytes encrypted, E-flag and index, tag (§3.4). */
    public byte[] protectRtcp(byte[] rtcp) {
        if (rtcp.length < 8) throw new IllegalArgumentException("RTCP packet shorter than 8 bytes");
        int index = rtcpIndex;
        rtcpIndex = (rtcpIndex + 1) & 0x7fffffff;
        byte[] out = Arrays.copyOf(rtcp, rtcp.length + RTCP_INDEX_BYTES + TAG_BYTES);
        crypt(rtcpKey, rtcpSalt, ssrcRtcp(rtcp), index, out, 8, rtcp.length - 8);
        int e = index | 0x80000000; // E = 1: encrypted
        out[rtcp.length] = (byte) (e >>> 24);
        out[rtcp.length + 1] = (byte) (e >>> 16);
        out[rtcp.length + 2] = (byte) (e >>> 8);
        out[rtcp.length + 3] = (byte) e;
        byte[] tag = tag(rtcpMac, out, rtcp.length + RTCP_INDEX_BYTES, null);
        System.arraycopy(tag, 0, out, rtcp.length + RTCP_INDEX_BYTES, TAG_BYTES);
        return out;
    }

    /** The RTCP packet inside an SRTCP one, or null if it fails authentication or is malformed. */
    public byte[] unprotectRtcp(byte[] srtcp) {
        int authLen = srtcp.length - TAG_BYTES;
        int len = authLen - RTCP_INDEX_BYTES;
        if (len < 8) return null;
        byte[] expected = tag(rtcpMac, srtcp, authLen, null);
        if (!MessageDigest.isEqual(Arrays.copyOf(expected, TAG_BYTES), Arrays.copyOfRange(srtcp, authLen, srtcp.length))) return null;
        int e = ((srtcp[len] & 0xff) << 24) | ((srtcp[len + 1] & 0xff) << 16) | ((srtcp[len + 2] & 0xff) << 8) | (srtcp[len + 3] & 0xff);
        byte[] out = Arrays.copyOf(srtcp, len);
        if ((e & 0x80000000) != 0) crypt(rtcpKey, rtcpSalt, ssrcRtcp(srtcp), e & 0x7fffffff, out, 8, len - 8);
        return out;
    }

    /** §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16); the keystream XORed over [offset, offset+length). */
    private void crypt(SecretKeySpec key, byte[] salt, long ssrc, long index, byte[] buf, int offset, int length) {
        crypt(aes, iv, key, salt, ssrc, index, buf, offset, length);
    }

    private static void crypt(Cipher aes, byte[] iv, SecretKeySpec key, byte[] salt, long ssrc, long index, byte[] buf, int offset, int length) {
        Arrays.fill(iv, (byte) 0);
        System.arraycopy(salt, 0, iv, 0, Math.min(14, salt.length));
        for (int i = 0; i < 4; i++) iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        for (int i = 0; i < 6; i++) iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        try {
            aes.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            aes.doFinal(buf, offset, length, buf, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
    }

    /** The AES-CM keystream for a session key and salt (RFC 3711 Appendix B.2 checks it). */
    static byte[] keystream(byte[] sessionKey, byte[] sessionSalt, long ssrc, long index, int length) throws GeneralSecurityException {
        byte[] out = new byte[length];
        crypt(Cipher.getInstance("AES/CTR/NoPadding"), new byte[16], new SecretKeySpec(sessionKey, "AES"), sessionSalt, ssrc, index, out, 0, length);
        return out;
    }

    /** §4.2: HMAC-SHA1 over the authenticated portion, then the ROC for SRTP (null for SRTCP). */
    private static byte[] tag(Mac mac, byte[] buf, int length, Integer roc) {
        mac.update(buf, 0, length);
        if (roc != null) mac.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) (int) roc});
        return mac.doFinal();
    }

    /** Appendix A: the ROC a received sequence number most likely belongs to. */
    private long guessRoc(int seq) {
        if (highestSeq < 0) return roc;
        if (highestSeq < 0x8000) return seq - highestSeq > 0x8000 && roc > 0 ? roc - 1 : roc;
        return highestSeq - 0x8000 > seq ? roc + 1 : roc;
    }

    private static boolean seqNewer(int a, int b) { return ((a - b) & 0xffff) != 0 && ((a - b) & 0xffff) < 0x8000; }

    private static long ssrc(byte[] p) {
        return ((p[8] & 0xffL) << 24) | ((p[9] & 0xffL) << 16) | ((p[10] & 0xffL) << 8) | (p[11] & 0xffL);
    }

    /** The sender's SSRC of an RTCP packet (RFC 3550 §6.4.1: right after the 4-byte header). */
    private static long ssrcRtcp(byte[] p) {
        return ((p[4] & 0xffL) << 24) | ((p[5] & 0xffL) << 16) | ((p[6] & 0xffL) << 8) | (p[7] & 0xffL);
    }

    /** Fixed header, CSRCs and any header extension (RFC 3550 §5.1, §5.3.1): the part left in clear. */
    static int rtpHeaderLength(byte[] p, int length) {
        if (length < 12 || (p[0] & 0xc0) != 0x80) throw new IllegalArgumentException("not RTP version 2");
        int len = 12 + 4 * (p[0] & 0x0f);
        if ((p[0] & 0x10) != 0) {
            if (length < len + 4) throw new IllegalArgumentException("truncated header extension");
            len += 4 + 4 * (((p[len + 2] & 0xff) << 8) | (p[len + 3] & 0xff));
        }
        if (len > length) throw new IllegalArgumentException("header longer than packet");
        return len;
    }
}
