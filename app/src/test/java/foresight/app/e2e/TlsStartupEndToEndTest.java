package foresight.app.e2e;

import foresight.sip.tls.TlsIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code foresight serve} with an unusable SIP/TLS certificate stops at once: exit 2, the file named, no stack trace. */
class TlsStartupEndToEndTest {
    @TempDir Path dir;

    Process serve(Path cert, Path key) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, "foresight.app.cli.Main", "serve").redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        pb.environment().putAll(java.util.Map.of("FORESIGHT_SIP_HOST", "127.0.0.1", "FORESIGHT_SIP_PORT", "31070", "FORESIGHT_HTTP_PORT", "31080",
                "FORESIGHT_SIP_TLS_PORT", "31071", "FORESIGHT_SIP_TLS_CERT", cert.toString(), "FORESIGHT_SIP_TLS_KEY", key.toString(),
                "FORESIGHT_SIP_RTP_PORT_MIN", "31400", "FORESIGHT_SIP_RTP_PORT_MAX", "31500",
                "FORESIGHT_DATABASE_EMBEDDED_DATA_DIR", dir.resolve("pg").toString()));
        return pb.start();
    }

    @Test
    void anExpiredCertificateStopsStartUpWithExitCode2NamingTheFile() throws Exception {
        var old = TlsIdentity.selfSigned(dir.resolve("old"), "127.0.0.1", Instant.parse("2000-01-01T00:00:00Z"));
        Process p = serve(old.certFile(), old.keyFile());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("serve.log"));
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains(old.certFile().toString()).contains("expired").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsStartUpWithExitCode2NamingTheFile() throws Exception {
        var a = TlsIdentity.selfSigned(dir.resolve("a"), "127.0.0.1", Instant.now());
        var b = TlsIdentity.selfSigned(dir.resolve("b"), "127.0.0.1", Instant.now());
        Process p = serve(a.certFile(), b.keyFile());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("serve.log"));
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains(b.keyFile().toString()).contains("does not match").doesNotContain("\tat ");
    }
}
