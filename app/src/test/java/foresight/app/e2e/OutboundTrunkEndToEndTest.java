package foresight.app.e2e;

import foresight.app.Server;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flow transfers callers to an outside number (their account manager, dialled the way a person writes it:
 * 020 7946 0018) over the carrier trunk of trunks.yml. SIPp is the carrier's SBC: it challenges the INVITE with 407,
 * checks the digest, the E.164 Request-URI and the caller id in From and P-Asserted-Identity, answers, speaks and hangs
 * up. The caller hears the carrier, the recording holds both sides, and a second call while the one-channel trunk is
 * busy is refused here and goes on in the flow. Real SIP, RTP and PostgreSQL on 127.0.0.1, ports 47800-47999.
 */
class OutboundTrunkEndToEndTest {
    static final int SIP_PORT = 47860;
    static final int CARRIER_PORT = 47870;
    static Path work;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-outbound-trunk");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: greet
                nodes:
                  greet:
                    say: "Connecting you to your account manager."
                    next: manager
                  manager:
                    transfer: "020 7946 0018"
                    ring_seconds: 15
                    next: sorry
                  sorry:
                    say: "Sorry, nobody can take your call right now. Goodbye."
                    next: bye
                  bye:
                    hangup: true
                """);
        Files.writeString(operator.resolve("trunks.yml"), """
                country_code: "44"
                trunks:
                  - name: carrier
                    uri: sip:127.0.0.1:%d
                    username: acme-hotline
                    password: s3cret-Trunk
                    caller_id: "+442079460000"
                    max_channels: 1
                """.formatted(CARRIER_PORT));
        // What the account manager says as soon as they answer, as the carrier's RTP (G.711 µ-law, 8 kHz).
        short[] speech = Voices.pcm8k("Hello, this is your account manager. How can I help you today?", work.resolve("voices"));
        byte[] ulaw = new byte[speech.length];
        for (int i = 0; i < speech.length; i++) ulaw[i] = foresight.media.g711.G711.linearToUlaw(speech[i]);
        Files.write(work.resolve("carrier-speech.ulaw"), ulaw);

        server = new Server(TestConfigs.server(SIP_PORT, 47800, 47849, 20, work, operator.toString(), 1000, false, 1)).start();
        calls = new CallRepository(server.database().dsl());
        phone = new TestPhone(47862, 47850, 47869, false);
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static final Path SCENARIO = Path.of("src/test/resources/sipp/carrier-challenges-and-answers.xml").toAbsolutePath();

    /**
     * SIPp as the carrier, challenging with 401 (SIPp checks the digest: a wrong one gets 403) or, with {@code proxy},
     * with 407 like an SBC acting as a proxy: SIPp's verifyauth reads only an Authorization header, so that variant lets
     * every digest through and the test checks the Proxy-Authorization in SIPp's message trace itself.
     */
    static Process carrier(String name, boolean proxy) throws Exception {
        String xml = Files.readString(SCENARIO);
        if (proxy) {
            xml = xml.replace("SIP/2.0 401 Unauthorized", "SIP/2.0 407 Proxy Authentication Required").replace("WWW-Authenticate:", "Proxy-Authenticate:")
                    .replaceAll("<verifyauth[^>]*/>", "").replace(" digest [$authvalid]", "")
                    .replace("<nop hide=\"true\" test=\"authvalid\" next=\"goodauth\"/>", "<nop hide=\"true\" next=\"goodauth\"/>");
        }
        Path scenario = Files.writeString(work.resolve(name + ".xml"), xml);
        return new ProcessBuilder("sipp", "-sf", scenario.toString(), "-i", "127.0.0.1", "-p", String.valueOf(CARRIER_PORT), "-mp", "47880", "-m", "1",
                "-timeout", "60s", "-nostdin", "-trace_err", "-trace_msg", "-trace_logs")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    /** The Proxy-Authorization SIPp received (from its message trace), as parameter → value. */
    static java.util.Map<String, String> proxyAuthorization(String name) throws Exception {
        Path trace;
        try (var files = Files.list(work)) {
            trace = files.filter(p -> p.getFileName().toString().startsWith(name + "_") && p.toString().endsWith("_messages.log")).findFirst().orElseThrow();
        }
        String line = Files.readAllLines(trace).stream().filter(l -> l.startsWith("Proxy-Authorization: Digest ")).findFirst()
                .orElseThrow(() -> new AssertionError("no Proxy-Authorization in " + trace));
        var m = java.util.regex.Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))").matcher(line.substring("Proxy-Authorization: Digest ".length()));
        java.util.Map<String, String> out = new java.util.HashMap<>();
        while (m.find()) out.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        return out;
    }

    static String md5(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static CallSummary awaitCall(String caller, Instant since, java.util.function.Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> calls.search(null, 50).stream().filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && condition.test(c));
    }

    static void awaitEvent(String callId, String type) {
        await(type).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> calls.eventTypes(callId).contains(type));
    }

    static String eventDetail(String callId, String type) {
        return calls.events(callId).stream().filter(e -> e.type().equals(type)).map(e -> e.detail()).findFirst().orElseThrow();
    }

    @Test
    void aCallerTransferredToAnOutsideNumberTalksToItOverTheCarrierTrunkAndIsRecorded() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sbc = carrier("carrier-407", true);
        try (var line = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550177")) {
            String id = awaitCall("+15550177", since, c -> true, "call").id();
            awaitEvent(id, "transfer_answered");
            assertThat(server.sipGateway().trunkChannelsInUse("carrier")).as("the transfer holds the trunk's one channel").isEqualTo(1);
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(3))).as("20 ms frames of the account manager's voice the caller heard")
                    .isGreaterThan(50);
            assertThat(line.call.awaitEnd(Duration.ofSeconds(20))).as("the carrier's BYE ended the caller's call too").isEqualTo("remote_bye");
        }
        assertThat(sbc.waitFor(30, TimeUnit.SECONDS)).as("SIPp carrier finished; log " + work.resolve("carrier-407.log")).isTrue();
        assertThat(sbc.exitValue()).as("carrier saw +442079460018 in the Request-URI and caller id +442079460000 in From and P-Asserted-Identity (exit 0); "
                + work).isZero();
        // RFC 2617 §3.2.2 without qop: response = MD5(HA1:nonce:HA2), HA1 = MD5(user:realm:password), HA2 = MD5(INVITE:uri).
        var auth = proxyAuthorization("carrier-407");
        assertThat(auth).containsEntry("username", "acme-hotline").containsEntry("realm", "carrier.example")
                .containsEntry("uri", "sip:+442079460018@127.0.0.1:" + CARRIER_PORT);
        assertThat(auth.get("response")).as("digest response to the 407").isEqualTo(md5(md5("acme-hotline:carrier.example:s3cret-Trunk") + ":" + auth.get("nonce")
                + ":" + md5("INVITE:" + auth.get("uri"))));

        CallSummary c = awaitCall("+15550177", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(FlowPageEndToEndTest.dispositionOf(calls, c)).isEqualTo("transferred_far_end_hung_up");
        assertThat(calls.eventTypes(c.id())).containsSubsequence("transfer", "transfer_answered", "transfer_ended");
        assertThat(eventDetail(c.id(), "transfer")).contains("*******0018").doesNotContain("79460018");
        await("the trunk's channel given back").atMost(Duration.ofSeconds(5)).until(() -> server.sipGateway().trunkChannelsInUse("carrier") == 0);

        assertThat(c.recordingPath()).as("the transferred call is recorded").isNotNull();
        var audio = WavReader.read(Path.of(c.recordingPath()));
        assertThat(audio.channels()).hasNumberOfRows(2);
        short[] farSide = audio.channels()[1];
        int voiced = 0;
        for (int at = Math.max(0, farSide.length - 6 * 8000); at + 160 <= farSide.length; at += 160) if (Voices.rms(farSide, at, at + 160) > 300) voiced++;
        assertThat(voiced).as("voiced 20 ms frames of the account manager in the recording's last 6 s (IVR/far-end channel)").isGreaterThan(50);
    }

    @Test
    void aTransferWhileTheTrunksOnlyChannelIsBusyIsRefusedHereAndTheFlowGoesOn() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sbc = carrier("carrier-401", false);
        try (var first = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550181")) {
            String firstId = awaitCall("+15550181", since, c -> true, "first call").id();
            awaitEvent(firstId, "transfer_answered"); // SIPp answers only a digest its verifyauth accepts (else 403)
            try (var second = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550182")) {
                String secondId = awaitCall("+15550182", since, c -> true, "second call").id();
                awaitEvent(secondId, "transfer_failed");
                assertThat(eventDetail(secondId, "transfer_failed")).contains("trunk_full");
                assertThat(second.call.awaitEnd(Duration.ofSeconds(20))).as("the flow said sorry and hung up").isNotNull();
                CallSummary s = awaitCall("+15550182", since, x -> !"active".equals(x.status()), "second call ended");
                assertThat(FlowPageEndToEndTest.dispositionOf(calls, s)).isEqualTo("flow_hangup");
                assertThat(calls.events(secondId).stream().filter(e -> e.type().equals("node")).map(e -> e.detail()).toList())
                        .anyMatch(d -> d.contains("sorry"));
            }
            assertThat(first.call.awaitEnd(Duration.ofSeconds(20))).as("the first call went on until the carrier hung up").isEqualTo("remote_bye");
        }
        assertThat(sbc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sbc.exitValue()).as("the carrier verified the digest answering its 401 and got exactly the one call it answered; log "
                + work.resolve("carrier-401.log")).isZero();
    }
}
