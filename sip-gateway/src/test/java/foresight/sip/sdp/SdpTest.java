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
}
