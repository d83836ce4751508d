package foresight.sip.trunk;

import foresight.sip.register.DigestAuthenticator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestAnswerTest {
    @Test
    void answersTheRfc2617ExampleChallenge() {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life", qop=auth, cnonce 0a4f113b → 6629fae49393a05397450978507c4ef1.
        var a = DigestAnswer.of("Mufasa", "Circle Of Life", "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "5ccc069c403ebaf9f0171e9517f40e41", null, "auth,auth-int", "GET", "/dir/index.html", "0a4f113b");
        assertThat(a.response()).isEqualTo("6629fae49393a05397450978507c4ef1");
        assertThat(a.qop()).isEqualTo("auth");
        assertThat(a.nc()).isEqualTo("00000001");
        assertThat(a.opaque()).isEqualTo("5ccc069c403ebaf9f0171e9517f40e41");
    }

    @Test
    void withoutQopTheAnswerIsRfc2069Style() {
        var a = DigestAnswer.of("acme", "secret", "carrier", "n0nce", null, "MD5", null, "INVITE", "sip:+442079460018@127.0.0.1:47862");
        String ha1 = DigestAuthenticator.md5("acme:carrier:secret");
        String ha2 = DigestAuthenticator.md5("INVITE:sip:+442079460018@127.0.0.1:47862");
        assertThat(a.response()).isEqualTo(DigestAuthenticator.md5(ha1 + ":n0nce:" + ha2));
        assertThat(a.qop()).isNull();
        assertThat(a.cnonce()).isNull();
    }

    @Test
    void aChallengeWeCannotAnswerSaysWhy() {
        assertThatThrownBy(() -> DigestAnswer.of("a", "b", "r", "n", null, "SHA-256", null, "INVITE", "sip:x@y")).hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> DigestAnswer.of("a", "b", "r", "n", null, null, "auth-int", "INVITE", "sip:x@y")).hasMessageContaining("auth-int");
    }
}
