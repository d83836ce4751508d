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
                s.maxCallMinutes(), new ForesightConfig.Guard(10, 20, 5, 10, 500), "0.0.0.0", List.of("127.0.0.1/32"), TLS_PORT, "", "", "mandatory");
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
            var garbage = new java.util.ArrayList<java.net.Socket>();
            for (int i = 0; i < 40; i++) {
                var s = new java.net.Socket("127.0.0.1", TLS_PORT);
                if (i % 2 == 1) { // the last one (39) too: once it is refused, every connection before it was accepted
                    s.getOutputStream().write(("GARBAGE " + i + " INVITE sip:x SIP/2.0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    garbage.add(s);
                }
                sockets.add(s); // even ones: connected, never a ClientHello
            }
            // The server has read every garbage connection when each has been closed by it (a TLS alert, then end of stream).
            for (var s : garbage) {
                s.setSoTimeout(10_000);
                try (var in = s.getInputStream()) {
                    while (in.read() >= 0) { /* the alert's bytes */ }
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("the server did not close a connection that sent garbage within 10 s", e);
                } catch (java.net.SocketException reset) {
                    // closed by the server with a reset: read as well
                }
            }
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

    /** A SIP peer on one TLS connection: writes requests, reads whole messages. */
    static final class TlsPeer implements AutoCloseable {
        final javax.net.ssl.SSLSocket socket;
        final java.io.InputStream in;

        TlsPeer() throws Exception {
            socket = tlsClient();
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            in = new java.io.BufferedInputStream(socket.getInputStream());
        }

        String local() { return "127.0.0.1:" + socket.getLocalPort(); }

        void send(String message) throws Exception {
            socket.getOutputStream().write(message.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        /** The next SIP message (head and body). */
        String read() throws Exception {
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new java.io.EOFException("TLS connection closed; so far: " + head);
                head.append((char) b);
            }
            var m = java.util.regex.Pattern.compile("(?im)^(?:Content-Length|l):\\s*(\\d+)").matcher(head);
            int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
            return head + new String(in.readNBytes(len), java.nio.charset.StandardCharsets.US_ASCII);
        }

        /** Reads past provisional responses to the final one. */
        String finalResponse() throws Exception {
            String r;
            do { r = read(); } while (r.startsWith("SIP/2.0 1"));
            return r;
        }

        @Override
        public void close() throws Exception { socket.close(); }
    }

    static String inviteOverTls(TlsPeer peer, String callId, String caller, String sdp) {
        return "INVITE sip:hotline@127.0.0.1:" + TLS_PORT + ";transport=tls SIP/2.0\nVia: SIP/2.0/TLS " + peer.local() + ";rport;branch=z9hG4bK" + callId
                + "\nFrom: <sip:" + caller + "@127.0.0.1>;tag=c1\nTo: <sip:hotline@127.0.0.1>\nCall-ID: " + callId + "\nCSeq: 1 INVITE"
                + "\nContact: <sip:caller@" + peer.local() + ";transport=tls>\nMax-Forwards: 70\nContent-Type: application/sdp"
                + "\nContent-Length: " + sdp.replace("\n", "\r\n").length() + "\n\n" + sdp;
    }

    static String offer(int rtpPort, String profile, String cryptoLine) {
        return "v=0\no=caller 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio " + rtpPort + " " + profile + " 0\n"
                + "a=rtpmap:0 PCMU/8000\n" + (cryptoLine == null ? "" : "a=crypto:" + cryptoLine + "\n") + "a=sendrecv\n";
    }

    @Test
    void aPlainRtpOfferOverTlsIsRefused488WhenSrtpIsMandatory() throws Exception {
        try (var peer = new TlsPeer()) {
            peer.send(inviteOverTls(peer, "tls-plain-1", "+15550188", offer(31970, "RTP/AVP", null)));
            String r = peer.finalResponse();
            assertThat(r).startsWith("SIP/2.0 488").containsIgnoringCase("SRTP required");
            peer.send("ACK sip:hotline@127.0.0.1:" + TLS_PORT + ";transport=tls SIP/2.0\nVia: SIP/2.0/TLS " + peer.local() + ";rport;branch=z9hG4bKtls-plain-1"
                    + "\nFrom: <sip:+15550188@127.0.0.1>;tag=c1\nTo: <sip:hotline@127.0.0.1>\nCall-ID: tls-plain-1\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n");
        }
    }

    @Test
    void anSrtpCallOverTlsCarriesEncryptedAudioBothWaysAndTheRecordingHasTheCallersVoice() throws Exception {
        byte[] ourKey = new byte[30];
        new java.security.SecureRandom().nextBytes(ourKey);
        String crypto = "1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(ourKey);
        java.time.Instant since = java.time.Instant.now().minusSeconds(1);
        try (var peer = new TlsPeer(); var rtp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 31972))) {
            peer.send(inviteOverTls(peer, "tls-srtp-1", "+15550199", offer(31972, "RTP/SAVP", crypto)));
            String ok = peer.finalResponse();
            assertThat(ok).startsWith("SIP/2.0 200").contains("RTP/SAVP").contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:");
            String toTag = ok.replaceAll("(?s).*\\nTo:[^\\n]*;tag=([^;\\r\\n]+).*", "$1");
            peer.send("ACK sip:foresight@127.0.0.9:" + TLS_PORT + ";transport=tls SIP/2.0\nVia: SIP/2.0/TLS " + peer.local() + ";rport;branch=z9hG4bKtls-srtp-ack"
                    + "\nFrom: <sip:+15550199@127.0.0.1>;tag=c1\nTo: <sip:hotline@127.0.0.1>;tag=" + toTag + "\nCall-ID: tls-srtp-1\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n");
            var answer = foresight.sip.sdp.Sdp.parse(ok.substring(ok.indexOf("v=0")));
            var fromServer = foresight.media.srtp.SrtpContext.of(answer.chooseCrypto().keyAndSalt());
            var toServer = foresight.media.srtp.SrtpContext.of(ourKey);
            var serverRtp = new java.net.InetSocketAddress("127.0.0.1", answer.audioPort());

            // The caller speaks: a 1 kHz tone for 2 s as SRTP, paced at 20 ms.
            Thread speaker = Thread.ofVirtual().start(() -> {
                try {
                    for (int n = 0; n < 100; n++) {
                        byte[] pkt = new byte[12 + 160];
                        pkt[0] = (byte) 0x80; pkt[2] = (byte) (n >> 8); pkt[3] = (byte) n;
                        long ts = n * 160L;
                        pkt[4] = (byte) (ts >> 24); pkt[5] = (byte) (ts >> 16); pkt[6] = (byte) (ts >> 8); pkt[7] = (byte) ts;
                        pkt[8] = 0x0A; pkt[9] = 0x0B; pkt[10] = 0x0C; pkt[11] = 0x0D;
                        for (int i = 0; i < 160; i++) pkt[12 + i] = foresight.media.g711.G711.linearToUlaw((short) (8000 * Math.sin(2 * Math.PI * 1000 * (n * 160 + i) / 8000.0)));
                        byte[] srtp = toServer.protect(pkt);
                        rtp.send(new java.net.DatagramPacket(srtp, srtp.length, serverRtp));
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });

            // What the server sends: SRTP that authenticates under its key, and whose payload on the wire is not the audio.
            rtp.setSoTimeout(5000);
            int decrypted = 0, differing = 0, voiced = 0;
            for (int n = 0; n < 100; n++) {
                var dp = new java.net.DatagramPacket(new byte[2048], 2048);
                rtp.receive(dp);
                byte[] wire = java.util.Arrays.copyOf(dp.getData(), dp.getLength());
                byte[] plain = fromServer.unprotect(wire);
                if (plain == null) continue;
                decrypted++;
                if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(wire, 12, plain.length), java.util.Arrays.copyOfRange(plain, 12, plain.length))) differing++;
                short[] pcm = foresight.media.g711.G711.decode(plain[1] & 0x7f, plain, 12, plain.length - 12);
                if (Voices.rms(pcm, 0, pcm.length) > 300) voiced++;
            }
            speaker.join();
            assertThat(decrypted).as("server packets that authenticate under the key in its answer").isEqualTo(100);
            assertThat(differing).as("packets whose payload on the wire differs from the G.711 inside").isEqualTo(100);
            assertThat(voiced).as("frames of the greeting heard after decryption").isGreaterThan(20);
            peer.send("BYE sip:foresight@127.0.0.9:" + TLS_PORT + ";transport=tls SIP/2.0\nVia: SIP/2.0/TLS " + peer.local() + ";rport;branch=z9hG4bKtls-srtp-bye"
                    + "\nFrom: <sip:+15550199@127.0.0.1>;tag=c1\nTo: <sip:hotline@127.0.0.1>;tag=" + toTag + "\nCall-ID: tls-srtp-1\nCSeq: 2 BYE\nMax-Forwards: 70\nContent-Length: 0\n\n");
        }
        var calls = new foresight.db.call.CallRepository(server.database().dsl());
        var c = org.awaitility.Awaitility.await("SRTP call row ended").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> calls.search(null, 50).stream().filter(x -> x.caller().equals("+15550199") && !x.startedAt().isBefore(since)).findFirst().orElse(null),
                        x -> x != null && !"active".equals(x.status()) && x.recordingPath() != null);
        assertThat(c.rtpReceived()).as("caller SRTP packets the server accepted").isGreaterThan(50);
        org.awaitility.Awaitility.await("recording closed").atMost(Duration.ofSeconds(10)).until(() -> Files.size(Path.of(c.recordingPath())) > 44);
        var wav = foresight.recording.wav.WavReader.read(Path.of(c.recordingPath()));
        assertThat(Voices.rms(wav.channels()[0], 0, wav.channels()[0].length)).as("the caller's decrypted tone in the recording").isGreaterThan(300);
    }
}
