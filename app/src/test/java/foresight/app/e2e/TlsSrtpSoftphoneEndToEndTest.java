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
 * A real softphone over SIP/TLS with SRTP mandatory (baresip, {@code mediaenc=srtp-mand}) calls the hotline on a server
 * whose TLS calls must be SRTP: the call is answered, the phone hears the greeting and the recording has the
 * caller's voice, both decrypted. Ports 31500-31999.
 */
class TlsSrtpSoftphoneEndToEndTest {
    static final int SIP_PORT = 31560;
    static final int TLS_PORT = 31561;
    static Path work;
    static Server server;
    static Process phone;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-srtp");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: greet
                nodes:
                  greet:
                    say: "Thank you for calling Foresight Bank. Your call is encrypted. Please hold while we look at your account. Goodbye."
                    next: bye
                  bye:
                    hangup: true
                """);
        var base = TestConfigs.server(SIP_PORT, 31600, 20, work, operator.toString(), 1000, false, 2);
        var s = base.sip();
        var sip = new ForesightConfig.Sip("127.0.0.1", SIP_PORT, 31600, 31798, s.realm(), s.ringTimeoutSeconds(), s.rtpTimeoutSeconds(),
                s.maxCallMinutes(), s.guard(), "127.0.0.1", List.of(), TLS_PORT, "", "", "mandatory");
        server = new Server(base.withSip(sip)).start();
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.destroy();
        if (server != null) server.close();
    }

    @Test
    void aSoftphoneWithSrtpMandatoryCallsOverTlsAndBothSidesHearEachOther() throws Exception {
        Path dir = Files.createDirectories(work.resolve("phone"));
        Path mic = Voices.wav8k("Hello, this is a test of an encrypted call. I would like to check my balance please.", work.resolve("voices"));
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:31590",
                "audio_player aubridge,sink",
                "audio_alert aubridge,sink",
                "audio_source aufile," + mic.toAbsolutePath(),
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module aubridge.so",
                "module sndfile.so",
                "module srtp.so",
                "module_app account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:31597", // not 31591: baresip takes the SIP port + 1 for TLS
                "snd_path " + dir.toAbsolutePath(),
                "rtp_ports 31900-31950",
                ""));
        Files.writeString(dir.resolve("accounts"), "<sip:+15550177@127.0.0.1;transport=tls>;mediaenc=srtp-mand;regint=0;answermode=manual\n");
        Instant since = Instant.now().minusSeconds(1);
        phone = new ProcessBuilder("baresip", "-f", dir.toAbsolutePath().toString(), "-e", "/dial sip:hotline@127.0.0.1:" + TLS_PORT + ";transport=tls")
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();

        var calls = new CallRepository(server.database().dsl());
        var call = await("the TLS/SRTP call ended").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                .until(() -> calls.search(null, 20).stream().filter(c -> c.caller().equals("+15550177") && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && !"active".equals(c.status()) && c.recordingPath() != null);
        String log = Files.readString(dir.resolve("baresip.log"));
        assertThat(call.rtpReceived()).as("SRTP packets from the phone the server authenticated; baresip log:\n" + log).isGreaterThan(100);
        await("recording closed").atMost(Duration.ofSeconds(10)).until(() -> Files.size(Path.of(call.recordingPath())) > 44);
        var wav = WavReader.read(Path.of(call.recordingPath()));
        assertThat(Voices.rms(wav.channels()[0], 0, wav.channels()[0].length)).as("the caller's voice in the recording").isGreaterThan(100);
        // baresip writes its dump's WAV header when it closes the file, after the BYE: on a busy machine that can
        // come after our call row has ended, and the file reads as empty until then.
        short[] pcm = await("baresip's dump of what it heard, closed").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions().until(() -> {
                    Path heard;
                    try (Stream<Path> s = Files.list(dir)) {
                        heard = s.filter(p -> p.getFileName().toString().startsWith("dump") && p.getFileName().toString().contains("dec"))
                                .max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow(() -> new AssertionError("no dump; log:\n" + log));
                    }
                    return WavReader.read(heard).channels()[0];
                }, samples -> samples.length >= 8000);
        assertThat(Voices.rms(pcm, 0, pcm.length)).as("the phone heard the greeting").isGreaterThan(100);
        assertThat(log).as("baresip negotiated SRTP").contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)");
    }
}
