package foresight.sip.sdp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SdpTest {
    static String offer(String connection, String direction, String formats) {
        return "v=0\r\no=x 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 " + connection + "\r\nt=0 0\r\nm=audio 4000 RTP/AVP " + formats
                + "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=" + direction + "\r\n";
    }

    @Test
    void offerersFirstG711ChoiceWinsAndTelephoneEventIsFound() {
        var sdp = Sdp.parse(offer("10.0.0.1", "sendrecv", "8 0 101"));
        assertThat(sdp.chooseAudioType()).isEqualTo(Sdp.PCMA);
        assertThat(sdp.telephoneEventType()).isEqualTo(101);
        assertThat(sdp.audioTarget().getPort()).isEqualTo(4000);
    }

    @Test
    void holdOffersAreAnsweredWithTheMirroredDirection() {
        assertThat(Sdp.parse(offer("10.0.0.1", "sendonly", "0")).answerDirection()).isEqualTo("recvonly");
        assertThat(Sdp.parse(offer("10.0.0.1", "inactive", "0")).answerDirection()).isEqualTo("inactive");
        assertThat(Sdp.parse(offer("0.0.0.0", "sendrecv", "0")).holds()).as("RFC 2543 hold").isTrue();
        assertThat(Sdp.parse(offer("10.0.0.1", "sendrecv", "0")).holds()).isFalse();
        assertThat(Sdp.build("10.0.0.2", 5000, List.of(0), 101, 1, "recvonly")).contains("a=recvonly\r\n").doesNotContain("sendrecv");
    }

    @Test
    void offerWithoutAudioIsRejectedWithAReason() {
        assertThatThrownBy(() -> Sdp.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n")).hasMessageContaining("no audio");
        assertThat(Sdp.parse(offer("10.0.0.1", "sendrecv", "18 9")).chooseAudioType()).as("no G.711 offered").isEqualTo(-1);
    }

    @Test
    void anSrtpOfferCarriesItsProfileAndSdesKeyAndOurAnswerCarriesOurs() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[30]);
        var offer = Sdp.parse("v=0\r\no=x 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0 101\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" + key + "\r\n"
                + "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^31\r\na=rtpmap:101 telephone-event/8000\r\n");
        assertThat(offer.secure()).isTrue();
        SdesCrypto chosen = offer.chooseCrypto();
        assertThat(chosen.tag()).as("the first suite we support").isEqualTo(2);
        SdesCrypto ours = SdesCrypto.answering(chosen);
        String answer = Sdp.build("10.0.0.2", 5000, java.util.List.of(0), 101, 1, "sendrecv", ours);
        assertThat(answer).contains("m=audio 5000 RTP/SAVP 0 101").contains("a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:");
        assertThat(Sdp.parse(answer).chooseCrypto().keyAndSalt()).isEqualTo(ours.keyAndSalt());
        assertThat(ours.keyAndSalt()).isNotEqualTo(chosen.keyAndSalt());
    }

    @Test
    void sdesKeysWithMkiSessionParametersOrAWrongLengthAreNotUsed() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[30]);
        assertThat(SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4")).isNull();
        assertThat(SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " UNENCRYPTED_SRTP")).isNull();
        assertThat(SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:AAAA")).isNull();
        assertThat(SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + key)).isNotNull();
    }
}
