package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.agent.AgentRepository;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.sip.register.DigestAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a server on the Internet meets: malformed messages, scanners, password guessing, callers who give up,
 * peers that go silent. Real UDP on loopback; attackers send from 127.0.0.2-4 so bans never hit the real peers.
 */
class SipRobustnessEndToEndTest {
    static final int SIP_PORT = 27060;
    static Path work;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-robust");
        // The example hotline, ringing for a second before it answers, so a caller can cancel before the answer.
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Path flow = operator.resolve("flows/hotline.yml");
        Files.writeString(flow, Files.readString(flow).replace("start: greet\n", "start: greet\nanswer_after_seconds: 1\n"));
        var config = TestConfigs.server(SIP_PORT, 42000, 5, work, operator.toString(), 1000, false, 4);
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        phone = new TestPhone(27062, 43000);
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static CallSummary awaitCall(String caller, Instant since, java.util.function.Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> calls.search(null, 50).stream().filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && condition.test(c));
    }

    static int sippCall(String name, int localPort) throws Exception {
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "2000",
                "-p", String.valueOf(localPort), "-i", "127.0.0.1", "-timeout", "30s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        return sipp.waitFor(40, TimeUnit.SECONDS) ? sipp.exitValue() : -1;
    }

    @Test
    void rfc4475TortureMessagesNeverTakeTheServerDownAndANormalCallStillCompletes() throws Exception {
        Path dir = Path.of("../../shared/data/sip-torture");
        Assumptions.assumeTrue(Files.isDirectory(dir), "RFC 4475 messages not present at " + dir.toAbsolutePath() + "; skipping");
        int sent = 0;
        try (var raw = new RawSip("127.0.0.2", SIP_PORT); Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dat")).sorted().toList()) {
                raw.send(Files.readAllBytes(f));
                sent++;
            }
        }
        assertThat(sent).isEqualTo(50);
        assertThat(server.health().get("sip")).isEqualTo(true);
        assertThat(sippCall("after-torture", 27091)).as("a normal SIPp call after the torture messages").isZero();
    }

    @Test
    void scannerBurstGetsNoAnswerWhileARealCallCompletes() throws Exception {
        long before = server.floodGuard().droppedScanner();
        int answered;
        try (var scanner = new RawSip("127.0.0.3", SIP_PORT)) {
            var sippThread = new java.util.concurrent.CompletableFuture<Integer>();
            Thread.ofVirtual().start(() -> {
                try { sippThread.complete(sippCall("during-scan", 27092)); } catch (Exception e) { sippThread.completeExceptionally(e); }
            });
            for (int i = 0; i < 300; i++) {
                scanner.send("OPTIONS sip:100@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP " + scanner.local() + ";rport;branch=z9hG4bK" + i
                        + "\nFrom: <sip:100@1.1.1.1>;tag=" + i + "\nTo: <sip:100@1.1.1.1>\nCall-ID: scan" + i
                        + "\nCSeq: 1 OPTIONS\nUser-Agent: friendly-scanner\nMax-Forwards: 70\nContent-Length: 0\n\n");
            }
            answered = scanner.countReceived(Duration.ofSeconds(1));
            assertThat(sippThread.get(40, TimeUnit.SECONDS)).as("real caller during the scan").isZero();
        }
        assertThat(answered).as("responses a scanner got").isZero();
        // UDP may lose part of a 300-datagram burst before it is read; every one that was read was dropped, none answered.
        assertThat(server.floodGuard().droppedScanner() - before).isBetween(1L, 300L);
    }

    @Test
    void aSourceOverItsRateIsThrottledButAnsweredWithinItsBurst() throws Exception {
        long limitedBefore = server.floodGuard().droppedRateLimited();
        try (var flood = new RawSip("127.0.0.4", SIP_PORT)) {
            for (int i = 0; i < 200; i++) {
                flood.send("OPTIONS sip:foresight@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP " + flood.local() + ";rport;branch=z9hG4bKr" + i
                        + "\nFrom: <sip:probe@127.0.0.4>;tag=r" + i + "\nTo: <sip:foresight@127.0.0.1>\nCall-ID: rate" + i
                        + "\nCSeq: 1 OPTIONS\nUser-Agent: monitor/1.0\nMax-Forwards: 70\nContent-Length: 0\n\n");
            }
            int answered = flood.countReceived(Duration.ofSeconds(2));
            assertThat(answered).as("OPTIONS answered 200 out of 200 sent in a burst").isBetween(60, 100);
        }
        assertThat(server.floodGuard().droppedRateLimited() - limitedBefore).as("dropped by this burst").isGreaterThanOrEqualTo(100);
    }

    @Test
    void wrongPasswordsAreRejectedAndRepeatedFailuresBanTheSource() throws Exception {
        long bansBefore = server.floodGuard().bans();
        try (var guesser = new RawSip("127.0.0.2", SIP_PORT)) {
            for (int i = 1; i <= 5; i++) {
                assertThat(register(guesser, "1001", "guess" + i, i)).as("attempt " + i).startsWith("SIP/2.0 403");
            }
            assertThat(server.floodGuard().bans() - bansBefore).as("this source's ban").isEqualTo(1);
            assertThat(registerChallenge(guesser, 99)).as("a banned source gets no answer at all").isNull();
        }
        try (var agentPhone = new RawSip("127.0.0.1", SIP_PORT)) {
            assertThat(register(agentPhone, "1001", "1001secret", 1)).as("the right password from elsewhere").startsWith("SIP/2.0 200");
        }
    }

    @Test
    void callerWhoHangsUpWhileTheAgentRingsStopsTheRinging() throws Exception {
        var agents = new AgentRepository(server.database().dsl());
        long agentId = agents.findByUsername("1002").orElseThrow().id();
        agents.register(agentId, "sip:1002@127.0.0.1:27080", Instant.now().plusSeconds(300));
        Path scenario = Path.of("src/test/resources/sipp/agent-rings-expects-cancel.xml");
        Process agentPhone = new ProcessBuilder("sipp", "-sf", scenario.toString(), "-i", "127.0.0.1", "-p", "27080", "-m", "1",
                "-timeout", "60s", "-nostdin").redirectErrorStream(true).redirectOutput(work.resolve("agent-uas.log").toFile()).start();
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550188")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.press('9'); // a key during "why are you calling?" skips to the menu
            await("menu").atMost(Duration.ofSeconds(20)).until(() -> calls.eventTypes(awaitCall("+15550188", since, c -> true, "call").id()).contains("menu")
                    || calls.eventTypes(awaitCall("+15550188", since, c -> true, "call").id()).contains("ask"));
            line.voicedFramesDuring(Duration.ofSeconds(1));
            line.press('2');
            awaitCall("+15550188", since, c -> "cards".equals(c.queue()), "queued in cards");
            String callId = awaitCall("+15550188", since, c -> true, "call").id();
            await("agent 1002's phone offered the call").atMost(Duration.ofSeconds(10)).until(() -> server.database().dsl().fetchCount(
                    server.database().dsl().selectOne().from("acd_offers").where("call_id = ? and agent_id = ?", callId, agentId)) > 0);
            line.voicedFramesDuring(Duration.ofSeconds(2));
            line.call.hangUp("caller gave up");
        }
        agents.register(agentId, "sip:1002@127.0.0.1:27080", Instant.EPOCH);
        assertThat(agentPhone.waitFor(20, TimeUnit.SECONDS)).as("agent phone saw the CANCEL and finished").isTrue();
        assertThat(agentPhone.exitValue()).as("sipp UAS exit (0 = CANCEL, 487 and ACK as scripted); log " + work.resolve("agent-uas.log")).isZero();
        CallSummary c = awaitCall("+15550188", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(c.agent()).as("nobody answered").isNull();
    }

    @Test
    void aCallWhosePeerSendsNoMediaIsHungUpAfterTheRtpTimeout() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        // SIPp's built-in UAC sends no RTP; it would hold the call for 30 s.
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "30000",
                "-p", "27093", "-i", "127.0.0.1", "-timeout", "40s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("silent.log").toFile()).start();
        try {
            CallSummary c = awaitCall("sipp", since, x -> !"active".equals(x.status()), "silent call ended by Foresight");
            assertThat(java.time.Duration.between(c.startedAt(), c.endedAt())).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(12));
            assertThat(calls.eventTypes(c.id())).contains("ended");
        } finally {
            sipp.destroy();
        }
    }

    /** Runs one SIPp scenario from src/test/resources/sipp in the test's work folder (where it finds its audio files). */
    static Process sippScenario(String scenario, int localPort, String logName, String... extra) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("sipp", "-sf", Path.of("src/test/resources/sipp/" + scenario).toAbsolutePath().toString(),
                "-i", "127.0.0.1", "-p", String.valueOf(localPort), "-m", "1", "-timeout", "60s", "-nostdin"));
        cmd.addAll(java.util.List.of(extra));
        return new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(logName).toFile()).start();
    }

    static void assertScenarioPassed(Process sipp, String logName) throws Exception {
        assertThat(sipp.waitFor(60, TimeUnit.SECONDS)).as("sipp finished; log " + work.resolve(logName)).isTrue();
        assertThat(sipp.exitValue()).as("sipp exit code (0 = every message as scripted); log " + work.resolve(logName)).isZero();
    }

    @Test
    void callerWhoCancelsWhileItRingsGets487AndTheCallIsNeverAnswered() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sipp = sippScenario("caller-cancels-while-ringing.xml", 27095, "cancel.log", "127.0.0.1:" + SIP_PORT);
        assertScenarioPassed(sipp, "cancel.log");
        CallSummary c = awaitCall("canceller", since, x -> !"active".equals(x.status()), "cancelled call ended");
        assertThat(calls.eventTypes(c.id())).contains("abandoned_ringing").doesNotContain("answered");
        assertThat(c.recordingPath()).as("nothing to record before an answer").isNull();
    }

    @Test
    void sippCallerSpeakingRecordedAudioIsUnderstoodAndQueuedForCards() throws Exception {
        // 5 s of silence while the IVR greets and asks, the caller's sentence, then silence while queued.
        short[] speech = Voices.pcm8k("I lost my bank card. I think it was stolen.", work.resolve("voices"));
        short[] audio = new short[8000 * 5 + speech.length + 8000 * 9];
        System.arraycopy(speech, 0, audio, 8000 * 5, speech.length);
        byte[] ulaw = new byte[audio.length];
        for (int i = 0; i < audio.length; i++) ulaw[i] = foresight.media.g711.G711.linearToUlaw(audio[i]);
        Files.write(work.resolve("caller-speech.ulaw"), ulaw);

        Instant since = Instant.now().minusSeconds(1);
        Process sipp = sippScenario("caller-speaks.xml", 27096, "speaks.log", "127.0.0.1:" + SIP_PORT);
        CallSummary queued = awaitCall("speaker", since, x -> "cards".equals(x.queue()), "the spoken reason routed the call to cards");
        assertThat(queued.confirmedReason()).isEqualTo("card_lost");
        assertThat(queued.callerSaid()).as("what Vosk heard from SIPp's RTP").containsAnyOf("card", "stolen", "lost");
        assertScenarioPassed(sipp, "speaks.log");
        CallSummary ended = awaitCall("speaker", since, x -> !"active".equals(x.status()), "call ended by the caller's BYE");
        assertThat(ended.rtpReceived()).as("SIPp streamed the file as 20 ms packets").isGreaterThan(600);
        assertThat(ended.rtpLost()).isZero();
    }

    @Test
    void agentPhoneRegistersWithDigestAuthAndUnregistersWithExpiresZero() throws Exception {
        var agents = new AgentRepository(server.database().dsl());
        long agentId = agents.findByUsername("1001").orElseThrow().id();
        String contact = "sip:1001@127.0.0.1:27097";
        Process sipp = sippScenario("agent-registers-and-unregisters.xml", 27097, "register.log",
                "-s", "1001", "-au", "1001", "-ap", "1001secret", "127.0.0.1:" + SIP_PORT);
        await("binding stored in PostgreSQL").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> agents.contacts(agentId, Instant.now()).contains(contact));
        assertScenarioPassed(sipp, "register.log");
        assertThat(agents.contacts(agentId, Instant.now())).as("Expires: 0 removed the binding").doesNotContain(contact);
    }

    @Test
    void agentPhoneWithTheWrongPasswordIsChallengedThenRefused403() throws Exception {
        var agents = new AgentRepository(server.database().dsl());
        long agentId = agents.findByUsername("1002").orElseThrow().id();
        Process sipp = sippScenario("agent-wrong-password.xml", 27098, "register-wrong.log",
                "-s", "1002", "-au", "1002", "-ap", "not-the-password", "127.0.0.1:" + SIP_PORT);
        assertScenarioPassed(sipp, "register-wrong.log");
        assertThat(agents.contacts(agentId, Instant.now())).as("no binding for a refused phone").doesNotContain("sip:1002@127.0.0.1:27098");
    }

    @Test
    void inviteRequiringReliableProvisionalsIsRefusedWith420NamingTheExtension() throws Exception {
        try (var raw = new RawSip("127.0.0.1", SIP_PORT)) {
            raw.send("INVITE sip:hotline@127.0.0.1:" + SIP_PORT + " SIP/2.0\nVia: SIP/2.0/UDP " + raw.local() + ";rport;branch=z9hG4bK100rel"
                    + "\nFrom: <sip:+15550155@127.0.0.1>;tag=r1\nTo: <sip:hotline@127.0.0.1>\nCall-ID: require-100rel\nCSeq: 1 INVITE"
                    + "\nContact: <sip:caller@" + raw.local() + ">\nRequire: 100rel\nMax-Forwards: 70\nContent-Type: application/sdp"
                    + "\nContent-Length: 0\n\n");
            String response = null;
            for (int i = 0; i < 3 && (response == null || response.startsWith("SIP/2.0 100")); i++) response = raw.receive(Duration.ofSeconds(3));
            assertThat(response).startsWith("SIP/2.0 420").containsIgnoringCase("Unsupported: 100rel");
        }
    }

    @Test
    void callerHoldsLongerThanTheRtpTimeoutResumesAndTheCallSurvives() throws Exception {
        Process sipp = sippScenario("caller-hold-resume.xml", 27094, "hold.log", "127.0.0.1:" + SIP_PORT);
        assertThat(sipp.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("hold answered inactive, resume answered sendrecv, no BYE from Foresight while held; log "
                + work.resolve("hold.log")).isZero();
    }

    @Test
    void whenTheFirstAgentIsBusyTheNextOneIsRungAndAnswers() throws Exception {
        var agents = new AgentRepository(server.database().dsl());
        long dana = agents.findByUsername("1001").orElseThrow().id(), eli = agents.findByUsername("1002").orElseThrow().id();
        String busyContact = "sip:1001@127.0.0.1:27081", answerContact = "sip:1002@127.0.0.1:27082";
        Process busy = sippScenario("agent-busy.xml", 27081, "busy.log");
        Process answers = sippScenario("agent-answers.xml", 27082, "answers.log", "-mp", "27300");
        agents.register(dana, busyContact, Instant.now().plusSeconds(300));
        agents.register(eli, answerContact, Instant.now().plusSeconds(300));
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550177")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.press('9');
            await("menu").atMost(Duration.ofSeconds(20)).until(() -> calls.eventTypes(awaitCall("+15550177", since, c -> true, "call").id()).contains("ask"));
            line.voicedFramesDuring(Duration.ofSeconds(1));
            line.press('2');
            CallSummary talking = awaitCall("+15550177", since, c -> c.agent() != null, "an agent answered");
            assertThat(talking.agent()).as("Dana was busy (486), so Eli took the call").isEqualTo("1002");
            line.call.hangUp("caller done");
        } finally {
            agents.register(dana, busyContact, Instant.EPOCH);
            agents.register(eli, answerContact, Instant.EPOCH);
        }
        assertThat(busy.waitFor(20, TimeUnit.SECONDS) && busy.exitValue() == 0).as("busy agent got INVITE, sent 486, got ACK; log " + work.resolve("busy.log")).isTrue();
        assertThat(answers.waitFor(20, TimeUnit.SECONDS) && answers.exitValue() == 0).as("answering agent got the BYE; log " + work.resolve("answers.log")).isTrue();
    }

    @Test
    void aCallOverTcpIsAnsweredAndEndsNormally() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sipp = new ProcessBuilder("sipp", "-t", "t1", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "2000",
                "-p", "27095", "-i", "127.0.0.1", "-timeout", "30s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("tcp.log").toFile()).start();
        assertThat(sipp.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("SIPp over TCP; log " + work.resolve("tcp.log")).isZero();
        assertThat(awaitCall("sipp", since, c -> !"active".equals(c.status()), "tcp call ended").status()).isEqualTo("completed");
    }

    @Test
    void keysSentAsSipInfoDriveTheMenu() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        // The caller streams silence (G.711 mu-law 0xFF), so it is "alive" for the 5 s RTP timeout of this test server.
        byte[] silence = new byte[8000 * 2];
        java.util.Arrays.fill(silence, (byte) 0xFF);
        Files.write(work.resolve("silence.ulaw"), silence);
        Process sipp = sippScenario("caller-dtmf-info.xml", 27099, "info.log", "127.0.0.1:" + SIP_PORT);
        assertThat(sipp.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("every INFO answered 200; log " + work.resolve("info.log")).isZero();
        CallSummary c = awaitCall("+15550166", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(c.queue()).as("the menu took the INFO key 2").isEqualTo("cards");
    }

    @Test
    void keysSentAsInBandTonesDriveTheMenu() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550144")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(tone('9')); // skips "why are you calling?"
            await("menu").atMost(Duration.ofSeconds(20)).until(() -> calls.eventTypes(awaitCall("+15550144", since, c -> true, "call").id()).contains("ask"));
            line.voicedFramesDuring(Duration.ofSeconds(1));
            line.say(tone('2'));
            awaitCall("+15550144", since, c -> "cards".equals(c.queue()), "queued in cards by an in-band 2");
        }
    }

    /** 120 ms of the key's DTMF tone pair then 100 ms of silence, as a phone without RFC 4733 sends it. */
    static short[] tone(char key) {
        double[] low = {697, 770, 852, 941}, high = {1209, 1336, 1477, 1633};
        int idx = "123A456B789C*0#D".indexOf(key);
        short[] pcm = new short[8 * 220];
        for (int i = 0; i < 8 * 120; i++) {
            double t = i / 8000.0;
            pcm[i] = (short) (7000 * Math.sin(2 * Math.PI * low[idx / 4] * t) + 6000 * Math.sin(2 * Math.PI * high[idx % 4] * t));
        }
        return pcm;
    }

    /** One REGISTER with digest credentials for {@code password}, after fetching a challenge. Returns the final response. */
    private static String register(RawSip from, String user, String password, int seq) throws Exception {
        String challenge = registerChallenge(from, seq * 2);
        assertThat(challenge).startsWith("SIP/2.0 401");
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertThat(m.find()).isTrue();
        String nonce = m.group(1), uri = "sip:127.0.0.1:" + SIP_PORT, cnonce = "c" + seq, nc = "00000001";
        String ha1 = DigestAuthenticator.md5(user + ":foresight:" + password);
        String response = DigestAuthenticator.expectedResponse(ha1, "REGISTER", uri, nonce, nc, cnonce, "auth");
        from.send(registerText(from, user, seq * 2 + 1, "Authorization: Digest username=\"" + user + "\", realm=\"foresight\", nonce=\"" + nonce
                + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"\n"));
        return from.receive(Duration.ofSeconds(3));
    }

    private static String registerChallenge(RawSip from, int seq) throws Exception {
        from.send(registerText(from, "1001", seq, ""));
        return from.receive(Duration.ofSeconds(2));
    }

    private static String registerText(RawSip from, String user, int seq, String extra) {
        return "REGISTER sip:127.0.0.1:" + SIP_PORT + " SIP/2.0\nVia: SIP/2.0/UDP " + from.local() + ";rport;branch=z9hG4bK" + UUID.randomUUID()
                + "\nMax-Forwards: 70\nFrom: <sip:" + user + "@127.0.0.1>;tag=t" + seq + "\nTo: <sip:" + user + "@127.0.0.1>\nCall-ID: reg-" + from.local()
                + "\nCSeq: " + seq + " REGISTER\nContact: <sip:" + user + "@" + from.local() + ">\nExpires: 60\nUser-Agent: TestPhone/1.0\n"
                + extra + "Content-Length: 0\n\n";
    }
}
