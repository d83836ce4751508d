package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static foresight.app.e2e.TlsSrtpAgentEndToEndTest.baresip;
import static foresight.app.e2e.TlsSrtpAgentEndToEndTest.ctrl;
import static foresight.app.e2e.TlsSrtpAgentEndToEndTest.heard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent's phone that cannot be reached at the Contact it registers, as a softphone behind NAT or without a TLS
 * certificate of its own: baresip with no {@code sip_certificate} listens for TLS but fails every handshake, so a
 * new connection to its contact never carries a request. It registers over TLS with SRTP mandatory; a caller over
 * TLS is queued; the server must ring the agent down the connection it registered on (its flow). Ports 43600-43999.
 */
class TlsAgentBehindItsRegistrationEndToEndTest {
    static final int SIP_PORT = 43600;
    static final int TLS_PORT = 43601;
    static Path work;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-tls-flow");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: greet
                nodes:
                  greet:
                    say: "Thank you for calling Foresight Bank."
                    next: to_agent
                  to_agent:
                    queue: refunds
                    next: bye
                  bye:
                    hangup: true
                """);
        var base = TestConfigs.server(SIP_PORT, 43700, 20, work, operator.toString(), 1000, false, 2);
        var s = base.sip();
        var sip = new ForesightConfig.Sip("127.0.0.1", SIP_PORT, 43700, 43798, s.realm(), s.ringTimeoutSeconds(), s.rtpTimeoutSeconds(),
                s.maxCallMinutes(), s.guard(), "127.0.0.1", List.of(), TLS_PORT, "", "", "mandatory");
        server = new Server(base.withSip(sip)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void anAgentUnreachableAtItsContactIsRungDownTheTlsConnectionItRegisteredOn() throws Exception {
        Path agentDir = work.resolve("agent");
        Path agentMic = Voices.wav8k("Hello, this is Anna from Foresight Bank. How can I help you with your refund today?", work.resolve("voices"), 120);
        Path callerMic = Voices.wav8k("Hi Anna, I would like a refund for my last order please. Thank you very much.", work.resolve("voices"), 120);
        Process agent = baresip(agentDir, "<sip:1001@127.0.0.1:" + TLS_PORT + ";transport=tls>;auth_pass=1001secret;mediaenc=srtp-mand;answermode=auto;regint=300",
                43680, 43690, 43850, agentMic);
        try {
            var agents = new foresight.db.agent.AgentRepository(server.database().dsl());
            long agentId = agents.findByUsername("1001").orElseThrow().id();
            await("agent registered over TLS").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !agents.contacts(agentId, Instant.now()).isEmpty());
            String contact = agents.contacts(agentId, Instant.now()).get(0).toString();
            assertThat(contact).as("the contact names baresip's own TLS port").contains("127.0.0.1:43681").containsIgnoringCase("transport=tls");
            assertThat(tlsHandshakeSucceeds(43681)).as("baresip without a certificate accepts no TLS connection at its contact").isFalse();
            Instant since = Instant.now().minusSeconds(1);
            Path callerDir = work.resolve("caller");
            Process caller = baresip(callerDir, "<sip:+15550179@127.0.0.1;transport=tls>;mediaenc=srtp-mand;regint=0;answermode=manual",
                    43682, 43692, 43900, callerMic);
            try {
                await("caller phone up").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                    try (var probe = new Socket("127.0.0.1", 43692)) { return true; }
                });
                ctrl(43692, "dial", "sip:hotline@127.0.0.1:" + TLS_PORT + ";transport=tls");
                var calls = new CallRepository(server.database().dsl());
                await("agent 1001 answered").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                        .until(() -> calls.search(null, 20).stream().filter(c -> c.caller().equals("+15550179") && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                                c -> c != null && "1001".equals(c.agent()));
                await("the agent decoded the caller's audio").atMost(Duration.ofSeconds(20))
                        .until(() -> heard(agentDir) != null && Files.size(heard(agentDir)) > 8000 * 2 * 4);
                ctrl(43692, "hangup", "");
                await("call ended").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                        .until(() -> calls.search(null, 20).stream().filter(c -> c.caller().equals("+15550179") && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                                c -> c != null && !"active".equals(c.status()));
                assertThat(Files.readString(agentDir.resolve("baresip.log"))).as("agent negotiated SRTP")
                        .contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)");
                short[] agentHeard = WavReader.read(heard(agentDir)).channels()[0];
                assertThat(Voices.rms(agentHeard, 0, agentHeard.length)).as("the agent heard the caller").isGreaterThan(100);
            } finally {
                caller.destroy();
            }
        } finally {
            agent.destroy();
        }
    }

    /** True if a TLS handshake with 127.0.0.1:{@code port} completes (any certificate accepted). */
    static boolean tlsHandshakeSucceeds(int port) {
        try {
            var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
                public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
            }}, null);
            try (var s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.startHandshake();
                return true;
            }
        } catch (Exception e) {
            return false;
        }
    }
}
