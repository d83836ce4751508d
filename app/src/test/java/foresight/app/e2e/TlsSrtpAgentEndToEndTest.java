package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.call.CallRepository;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent's baresip registered over TLS with SRTP mandatory ({@code mediaenc=srtp-mand}) and a caller's baresip over
 * TLS with SRTP mandatory, on a server whose TLS calls must be SRTP: the caller is queued, the server rings the
 * agent's TLS contact offering RTP/SAVP, and both hear each other; the recording has both channels. Ports 31600-31999.
 */
class TlsSrtpAgentEndToEndTest {
    static final int SIP_PORT = 31660;
    static final int TLS_PORT = 31661;
    static Path work;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-srtp-agent");
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
        var base = TestConfigs.server(SIP_PORT, 31700, 20, work, operator.toString(), 1000, false, 2);
        var s = base.sip();
        var sip = new ForesightConfig.Sip("127.0.0.1", SIP_PORT, 31700, 31798, s.realm(), s.ringTimeoutSeconds(), s.rtpTimeoutSeconds(),
                s.maxCallMinutes(), s.guard(), "127.0.0.1", List.of(), TLS_PORT, "", "", "mandatory");
        server = new Server(base.withSip(sip)).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /**
     * A baresip phone: over TLS with SRTP mandatory, speaking {@code mic}, dumping what it decodes. It listens for
     * SIP on {@code sipPort} (UDP, TCP) and {@code sipPort + 1} (TLS).
     */
    static Process baresip(Path dir, String account, int sipPort, int ctrlPort, int rtpMin, Path mic, String... extra) throws Exception {
        Files.createDirectories(dir);
        var lines = new java.util.ArrayList<>(List.of(
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                "audio_player aubridge,sink",
                "audio_alert aubridge,sink",
                "audio_source aufile," + mic.toAbsolutePath(),
                "module_path /usr/lib/baresip/modules",
                "module g711.so", "module aufile.so", "module aubridge.so", "module sndfile.so", "module srtp.so",
                "module_app account.so", "module_app menu.so", "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + ctrlPort,
                "snd_path " + dir.toAbsolutePath(),
                "rtp_ports " + rtpMin + "-" + (rtpMin + 40)));
        lines.addAll(List.of(extra));
        Files.writeString(dir.resolve("config"), String.join("\n", lines) + "\n");
        Files.writeString(dir.resolve("accounts"), account + "\n");
        return new ProcessBuilder("baresip", "-f", dir.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();
    }

    static Path heard(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dump") && p.getFileName().toString().contains("dec"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElse(null);
        }
    }

    @Test
    void anAgentRegisteredOverTlsWithSrtpTalksWithACallerOverTlsWithSrtp() throws Exception {
        // The agent's phone listens for TLS too (the server rings its registered TLS contact), with its own self-signed pair.
        Path agentDir = work.resolve("agent");
        var pair = foresight.sip.tls.TlsIdentity.selfSigned(agentDir.resolve("cert"), "127.0.0.1", Instant.now());
        Path pem = agentDir.resolve("agent.pem");
        Files.writeString(pem, Files.readString(pair.certFile()) + Files.readString(pair.keyFile()));
        Path agentMic = Voices.wav8k("Hello, this is Anna from Foresight Bank. How can I help you with your refund today?", work.resolve("voices"), 120);
        Path callerMic = Voices.wav8k("Hi Anna, I would like a refund for my last order please. Thank you very much.", work.resolve("voices"), 120); // baresip hangs up when its microphone file ends
        Process agent = baresip(agentDir, "<sip:1001@127.0.0.1:" + TLS_PORT + ";transport=tls>;auth_pass=1001secret;mediaenc=srtp-mand;answermode=auto;regint=300",
                31680, 31690, 31850, agentMic, "sip_certificate " + pem.toAbsolutePath());
        try {
            var agents = new foresight.db.agent.AgentRepository(server.database().dsl());
            long agentId = agents.findByUsername("1001").orElseThrow().id();
            await("agent registered over TLS").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !agents.contacts(agentId, Instant.now()).isEmpty());
            Instant since = Instant.now().minusSeconds(1);
            Path callerDir = work.resolve("caller");
            Process caller = baresip(callerDir, "<sip:+15550178@127.0.0.1;transport=tls>;mediaenc=srtp-mand;regint=0;answermode=manual",
                    31682, 31692, 31900, callerMic, "");
            try {
                await("caller phone up").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                    try (var probe = new java.net.Socket("127.0.0.1", 31692)) { return true; }
                });
                ctrl(31692, "dial", "sip:hotline@127.0.0.1:" + TLS_PORT + ";transport=tls");
                var calls = new CallRepository(server.database().dsl());
                await("agent 1001 answered").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                        .until(() -> calls.search(null, 20).stream().filter(c -> c.caller().equals("+15550178") && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                                c -> c != null && "1001".equals(c.agent()));
                await("both phones decoded audio").atMost(Duration.ofSeconds(20)).until(() -> heard(agentDir) != null && heard(callerDir) != null
                        && Files.size(heard(agentDir)) > 8000 * 2 * 4 && Files.size(heard(callerDir)) > 8000 * 2 * 8);
                ctrl(31692, "hangup", "");
                var call = await("call ended").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                        .until(() -> calls.search(null, 20).stream().filter(c -> c.caller().equals("+15550178") && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                                c -> c != null && !"active".equals(c.status()) && c.recordingPath() != null);
                String agentLog = Files.readString(agentDir.resolve("baresip.log"));
                String callerLog = Files.readString(callerDir.resolve("baresip.log"));
                assertThat(agentLog).as("agent negotiated SRTP").contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)");
                assertThat(callerLog).as("caller negotiated SRTP").contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)");
                short[] agentHeard = WavReader.read(heard(agentDir)).channels()[0];
                assertThat(Voices.rms(agentHeard, 0, agentHeard.length)).as("the agent heard the caller").isGreaterThan(100);
                short[] callerHeard = WavReader.read(heard(callerDir)).channels()[0];
                assertThat(Voices.rms(callerHeard, 0, callerHeard.length)).as("the caller heard the greeting and the agent").isGreaterThan(100);
                await("recording closed").atMost(Duration.ofSeconds(10)).until(() -> Files.size(Path.of(call.recordingPath())) > 44);
                var wav = WavReader.read(Path.of(call.recordingPath()));
                assertThat(Voices.rms(wav.channels()[0], 0, wav.channels()[0].length)).as("caller channel").isGreaterThan(100);
                assertThat(Voices.rms(wav.channels()[1], 0, wav.channels()[1].length)).as("IVR and agent channel").isGreaterThan(100);
            } finally {
                caller.destroy();
            }
        } finally {
            agent.destroy();
        }
    }

    static void ctrl(int port, String command, String params) throws Exception {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            out.write((body.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
            socket.getInputStream().read();
        }
    }
}
