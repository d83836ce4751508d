package foresight.sip.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsIdentityTest {
    @TempDir Path dir;

    @Test
    void aSelfSignedPairIsCreatedOnceAndReusedWithTheSameFingerprint() throws Exception {
        var first = TlsIdentity.selfSigned(dir, "192.0.2.10", Instant.now());
        assertThat(first.certFile()).exists();
        assertThat(Files.getPosixFilePermissions(first.keyFile())).hasSize(2); // rw------- : the owner only
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        var again = TlsIdentity.selfSigned(dir, "192.0.2.10", Instant.now());
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(again.chain().get(0).getSubjectX500Principal().getName()).contains("CN=192.0.2.10");
        assertThat(again.keyManagers()).isNotEmpty();
    }

    @Test
    void anExpiredCertificateIsRejectedNamingItsFile() throws Exception {
        var old = TlsIdentity.selfSigned(dir, "pbx.example.com", Instant.parse("2000-01-01T00:00:00Z")); // valid until 2009
        assertThatThrownBy(() -> TlsIdentity.load(old.certFile(), old.keyFile(), Instant.now()))
                .isInstanceOf(TlsSetupException.class).hasMessageContaining(old.certFile().toString()).hasMessageContaining("expired");
    }

    @Test
    void aKeyOfAnotherCertificateIsRejectedNamingBothFiles() throws Exception {
        var a = TlsIdentity.selfSigned(dir.resolve("a"), "a.example.com", Instant.now());
        var b = TlsIdentity.selfSigned(dir.resolve("b"), "b.example.com", Instant.now());
        assertThatThrownBy(() -> TlsIdentity.load(a.certFile(), b.keyFile(), Instant.now()))
                .isInstanceOf(TlsSetupException.class).hasMessageContaining(b.keyFile().toString()).hasMessageContaining("does not match")
                .hasMessageContaining(a.certFile().toString());
    }

    @Test
    void filesThatAreNoPemAreRejectedNamingThem() throws Exception {
        var a = TlsIdentity.selfSigned(dir, "a.example.com", Instant.now());
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        assertThatThrownBy(() -> TlsIdentity.load(junk, a.keyFile(), Instant.now())).hasMessageContaining("sip.tlsCert " + junk);
        assertThatThrownBy(() -> TlsIdentity.load(a.certFile(), junk, Instant.now())).hasMessageContaining("sip.tlsKey " + junk);
        assertThatThrownBy(() -> TlsIdentity.load(dir.resolve("missing.pem"), a.keyFile(), Instant.now())).hasMessageContaining("missing.pem");
    }
}
