package foresight.media.srtp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class SrtpContextTest {
    static final HexFormat HEX = HexFormat.of().withUpperCase();

    static byte[] hex(String s) { return HEX.parseHex(s.replace(" ", "")); }

    @Test
    void sessionKeysDeriveAsRfc3711AppendixB3() {
        byte[] key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] salt = hex("0EC675AD498AFEEBB6960B3AABE6");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_ENCRYPTION, 16))).isEqualTo("C61E7A93744F39EE10734AFE3FF7A087");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_SALT, 14))).isEqualTo("30CBBC08863D8C85D49DB34A9AE1");
        assertThat(HEX.formatHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_AUTH, 94))).isEqualTo(
                "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
                        + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2");
    }

    @Test
    void aesCmKeystreamMatchesRfc3711AppendixB2() throws Exception {
        byte[] ks = SrtpContext.keystream(hex("2B7E151628AED2A6ABF7158809CF4F3C"), hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 0, 0, 48);
        assertThat(HEX.formatHex(ks)).isEqualTo("E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0");
    }

    static byte[] rtp(int seq, byte fill) {
        byte[] p = new byte[12 + 160];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
        Arrays.fill(p, 12, p.length, fill);
        return p;
    }

    @Test
    void whatOneSideProtectsTheOtherUnprotectsAcrossASequenceWrapAndTamperingIsRejected() {
        byte[] master = new byte[30];
        for (int i = 0; i < 30; i++) master[i] = (byte) (i * 7 + 1);
        var sender = SrtpContext.of(master);
        var receiver = SrtpContext.of(master);
        for (int n = 0; n < 200; n++) {
            int seq = (65500 + n) & 0xffff;
            byte[] plain = rtp(seq, (byte) 0xff);
            byte[] srtp = sender.protect(plain);
            assertThat(srtp).hasSize(plain.length + 10);
            assertThat(Arrays.copyOfRange(srtp, 12, plain.length)).as("payload is not sent in clear").isNotEqualTo(Arrays.copyOfRange(plain, 12, plain.length));
            assertThat(receiver.unprotect(srtp)).as("packet seq " + seq).isEqualTo(plain);
        }
        byte[] tampered = sender.protect(rtp(200, (byte) 1));
        tampered[20] ^= 1;
        assertThat(receiver.unprotect(tampered)).isNull();
        assertThat(SrtpContext.of(new byte[30]).unprotect(sender.protect(rtp(201, (byte) 1)))).as("another key").isNull();
    }

    @Test
    void srtcpRoundTripsAndIsAuthenticated() {
        byte[] master = new byte[30];
        Arrays.fill(master, (byte) 9);
        var a = SrtpContext.of(master);
        var b = SrtpContext.of(master);
        byte[] rr = hex("81C90007 DEADBEEF 12345678 00000000 0000FFFF 00000000 00000000 00000000");
        byte[] protectedRr = a.protectRtcp(rr);
        assertThat(protectedRr).hasSize(rr.length + 14);
        assertThat(Arrays.copyOfRange(protectedRr, 8, rr.length)).isNotEqualTo(Arrays.copyOfRange(rr, 8, rr.length));
        assertThat(b.unprotectRtcp(protectedRr)).isEqualTo(rr);
        protectedRr[9] ^= 1;
        assertThat(b.unprotectRtcp(protectedRr)).isNull();
    }
}
