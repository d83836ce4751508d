package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SIP edge as a carrier trunk and a softphone on the same machine meet it: the server listens on every address
 * but advertises 127.0.0.9, answers requests of an unknown SIP version with 505, takes a trusted trunk's calls
 * (127.0.0.1) above the per-source limit and answers an untrusted source's excess calls (127.0.0.2) with 503.
 * SIP over TLS with the self-signed certificate made on first start: answered, and garbage or stalled handshakes cost
 * a connection, not a thread. Real UDP, TCP, TLS and SIPp on loopback, ports 31000-31999; a short flow (a greeting,
 * then hang up) keeps the calls cheap.
 */
class SipTrunkEndToEndTest {
    static final int SIP_PORT = 31060;
    static final String ADVERTISED = "127.0.0.9";
    static final int TLS_PORT = 31061;
    static Path work;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-trunk");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: greet
                nodes:
                  greet:
                    say: "Thank you for calling Foresight Bank. Please hold while we look at your account."
                    next: bye
                  bye:
                    hangup: true
                """);
        var base = TestConfigs.server(SIP_PORT, 31200, 20, work, operator.toString(), 1000, false, 4);
        var s = base.sip();
        // 10 requests/s per source with a burst of 20 (a smaller default, so a short burst of calls crosses it); the node
        // ceiling well above the test's rate.
        var sip = new ForesightConfig.Sip(ADVERTISED, SIP_PORT, 31200, 31998, s.realm(), s.ringTimeoutSeconds(), s.rtpTimeoutSeconds(),
                s.maxCallMinutes(), new ForesightConfig.Guard(10, 20, 5, 10, 500), "0.0.0.0", List.of("127.0.0.1/32"), TLS_PORT, "", "");
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

    /** SIPp's final counters (SuccessfulCall, FailedCall, FailedUnexpectedMessage, ...) for CALLS calls at RATE/s from {@code from}. */
    static Map<String, Long> sippBurst(String name, String from, int localPort, int mediaPort, int rate, int calls) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-i", from, "-p", String.valueOf(localPort),
                "-mp", String.valueOf(mediaPort), "-r", String.valueOf(rate), "-rp", "1000", "-m", String.valueOf(calls), "-d", "1000",
                "-nostdin", "-trace_stat", "-stf", "stats.csv", "-timeout", "40s")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("sipp.out").toFile()).start();
        assertThat(sipp.waitFor(50, TimeUnit.SECONDS)).as("SIPp finished; " + dir).isTrue();
        List<String> lines = Files.readAllLines(dir.resolve("stats.csv"));
        String[] head = lines.get(0).split(";");
        String[] last = lines.get(lines.size() - 1).split(";");
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < head.length && i < last.length; i++) {
            if (head[i].endsWith("(C)") && last[i].trim().matches("\\d+")) out.put(head[i].substring(0, head[i].length() - 3), Long.parseLong(last[i].trim()));
        }
        return out;
    }

    @Test
    void aTrustedTrunkAbovePerSourceLimitGetsEveryCallThroughWhileAnUntrustedSourceIsAnswered503() throws Exception {
        // 40 calls/s for 3 s from one address: four times the per-source rate, well beyond its burst.
        var trunk = sippBurst("trusted", "127.0.0.1", 31064, 31910, 40, 120);
        assertThat(trunk.get("SuccessfulCall")).as("trusted trunk calls answered; " + trunk).isEqualTo(120);
        assertThat(trunk.get("FailedCall")).isZero();

        long limitedBefore = server.floodGuard().droppedRateLimited();
        var other = sippBurst("untrusted", "127.0.0.2", 31066, 31930, 40, 120);
        long refused = server.floodGuard().droppedRateLimited() - limitedBefore;
        assertThat(other.get("SuccessfulCall")).as("untrusted calls within the burst and rate; " + other).isBetween(30L, 90L);
        assertThat(other.get("SuccessfulCall") + other.get("FailedCall")).isEqualTo(120);
        // Each failed call got an answer (503, unexpected for SIPp's plain UAC scenario), none waited out a timeout.
        assertThat(other.get("FailedUnexpectedMessage")).as("calls answered 503; " + other).isEqualTo(other.get("FailedCall")).isPositive();
        assertThat(other.get("FailedMaxUDPRetrans")).isZero();
        assertThat(refused).as("INVITEs the guard refused with 503").isEqualTo(other.get("FailedCall"));
        assertThat(server.floodGuard().refusedOverload()).as("the node ceiling was never reached").isZero();
    }

    /** A TLS client trusting exactly the server's self-signed certificate (read from the file it wrote beside the data dir). */
    static javax.net.ssl.SSLSocket tlsClient() throws Exception {
        var cf = java.security.cert.CertificateFactory.getInstance("X.509");
        java.security.cert.Certificate cert;
        try (var in = Files.newInputStream(work.resolve("sip-tls.crt"))) { cert = cf.generateCertificate(in); }
        var ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("foresight", cert);
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        var socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", TLS_PORT);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Sends OPTIONS over a new TLS connection; returns the status line of the answer. */
    static String optionsOverTls(String callId) throws Exception {
        try (var socket = tlsClient()) {
            socket.startHandshake();
            String local = "127.0.0.1:" + socket.getLocalPort();
            String msg = "OPTIONS sip:foresight@127.0.0.1:" + TLS_PORT + ";transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS " + local + ";rport;branch=z9hG4bK" + callId
                    + "\r\nFrom: <sip:probe@127.0.0.1>;tag=t1\r\nTo: <sip:foresight@127.0.0.1>\r\nCall-ID: " + callId + "\r\nCSeq: 1 OPTIONS"
                    + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write(msg.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            String status = reader.readLine() + " over " + socket.getSession().getProtocol();
            return status;
        }
    }

    @Test
    void optionsOverTlsAreAnsweredWithTheSelfSignedCertificateWhoseFingerprintTheServerPrints() throws Exception {
        assertThat(optionsOverTls("tls-options-1")).startsWith("SIP/2.0 200").matches(".* over TLSv1\\.[23]");
        var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(work.resolve("sip-tls.crt")));
        String fp = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertThat(server.tlsFingerprint()).isEqualTo(fp);
    }

    @Test
    void tlsClientsSendingGarbageOrStallingTheHandshakeCostAConnectionNotAThread() throws Exception {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        var sockets = new java.util.ArrayList<java.net.Socket>();
        try {
            for (int i = 0; i < 40; i++) {
                var s = new java.net.Socket("127.0.0.1", TLS_PORT);
                if (i % 2 == 0) s.getOutputStream().write(("GARBAGE " + i + " INVITE sip:x SIP/2.0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                sockets.add(s); // odd ones: connected, never a ClientHello
            }
            Thread.sleep(500); // let the server accept and read them all
            assertThat(threads.getThreadCount() - before).as("threads added for 40 bad TLS connections").isLessThan(5);
            assertThat(optionsOverTls("tls-options-2")).as("a real client meanwhile").startsWith("SIP/2.0 200");
        } finally {
            for (var s : sockets) s.close();
        }
    }

    @Test
    void aCallOverTcpCompletesOnTheNonBlockingTransport() throws Exception {
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "1000", "-t", "t1",
                "-p", "31068", "-mp", "31950", "-i", "127.0.0.1", "-timeout", "30s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("tcp-call.log").toFile()).start();
        assertThat(sipp.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("SIPp call over TCP; log " + work.resolve("tcp-call.log")).isZero();
    }
}
