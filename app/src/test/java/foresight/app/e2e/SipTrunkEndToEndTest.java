package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SIP edge as a carrier trunk and a softphone on the same machine meet it: the server listens on every address
 * but advertises 127.0.0.9, and answers requests of an unknown SIP version with 505. Real UDP and SIPp on loopback,
 * ports 31000-31999.
 */
class SipTrunkEndToEndTest {
    static final int SIP_PORT = 31060;
    static final String ADVERTISED = "127.0.0.9";
    static Path work;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-trunk");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        var base = TestConfigs.server(SIP_PORT, 31200, 20, work, operator.toString(), 1000, false, 4);
        var s = base.sip();
        var sip = new ForesightConfig.Sip(ADVERTISED, SIP_PORT, 31200, 31998, s.realm(), s.ringTimeoutSeconds(), s.rtpTimeoutSeconds(),
                s.maxCallMinutes(), s.guard(), "0.0.0.0");
        server = new Server(base.withSip(sip)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String invite(RawSip raw, String version, String callId) {
        return "INVITE sip:hotline@127.0.0.1:" + SIP_PORT + " " + version + "\nVia: SIP/2.0/UDP " + raw.local() + ";rport;branch=z9hG4bK" + callId
                + "\nFrom: <sip:+15550177@127.0.0.1>;tag=v1\nTo: <sip:hotline@127.0.0.1>\nCall-ID: " + callId + "\nCSeq: 1 INVITE"
                + "\nContact: <sip:caller@" + raw.local() + ">\nMax-Forwards: 70\nContent-Length: 0\n\n";
    }

    @Test
    void anInviteOfAnotherSipVersionIsAnswered505() throws Exception {
        try (var raw = new RawSip("127.0.0.1", SIP_PORT)) {
            raw.send(invite(raw, "SIP/3.0", "version-3"));
            String response = null;
            // JAIN-SIP sends 100 Trying for any INVITE before the listener sees it; the final answer follows.
            for (int i = 0; i < 3 && (response == null || response.startsWith("SIP/2.0 100")); i++) response = raw.receive(Duration.ofSeconds(3));
            assertThat(response).as("answer to a SIP/3.0 INVITE").startsWith("SIP/2.0 505");
            assertThat(server.sipGateway().activeLegs()).as("no call was started").isZero();
        }
    }

    @Test
    void aPhoneOnThisMachineReachesTheServerOnLoopbackWhileItAdvertisesAnotherAddress() throws Exception {
        try (var raw = new RawSip("127.0.0.1", SIP_PORT)) {
            raw.send("OPTIONS sip:foresight@127.0.0.1:" + SIP_PORT + " SIP/2.0\nVia: SIP/2.0/UDP " + raw.local() + ";rport;branch=z9hG4bKopt1"
                    + "\nFrom: <sip:probe@127.0.0.1>;tag=o1\nTo: <sip:foresight@127.0.0.1>\nCall-ID: loopback-options\nCSeq: 1 OPTIONS"
                    + "\nMax-Forwards: 70\nContent-Length: 0\n\n");
            assertThat(raw.receive(Duration.ofSeconds(5))).as("OPTIONS sent to 127.0.0.1").startsWith("SIP/2.0 200");
        }
        // A whole call: INVITE to 127.0.0.1; ACK and BYE follow the Contact the server advertises (127.0.0.9).
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "1000",
                "-p", "31062", "-mp", "31900", "-i", "127.0.0.1", "-timeout", "30s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("loopback-call.log").toFile()).start();
        assertThat(sipp.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("SIPp call over loopback; log " + work.resolve("loopback-call.log")).isZero();
    }
}
