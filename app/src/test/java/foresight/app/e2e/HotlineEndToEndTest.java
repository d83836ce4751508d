package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.cli.Main;
import foresight.app.config.ForesightConfig;
import foresight.db.agent.AgentRepository;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton as a caller, an agent and a QA reviewer see it: real SIP over UDP on 127.0.0.1, real RTP
 * G.711, embedded PostgreSQL, the Vosk model, Festival us-slt prompts, espeak-ng voices, baresip as the agent's
 * softphone and SIPp as an independent caller.
 */
// Each test makes the calls it checks and reads no other test's call, so they run in a random order (to replay
// one order, set junit.jupiter.execution.order.random.seed).
@TestMethodOrder(MethodOrderer.Random.class)
class HotlineEndToEndTest {
    static final int SIP_PORT = 25060;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    static Path work;
    static Path operatorDir;
    static Server server;
    static TestPhone phone;
    static BaresipAgent agent;
    static CallRepository calls;
    static TranscriptRepository transcripts;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-e2e");
        operatorDir = work.resolve("operator");
        copy(Path.of("../examples/hotline"), operatorDir);
        var config = TestConfigs.server(SIP_PORT, 32000, 60, work, operatorDir.toString(), 200, true, 4);
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        transcripts = new TranscriptRepository(server.database().dsl());
        phone = new TestPhone(25062, 33000);
        // en-us+f2 at 160 wpm: the voice the small Vosk model hears "thank you for calling" from (measured; plain en-us
        // at 160 wpm came out as "you are calling").
        Path mic = Voices.wav8k("Thank you for calling Foresight Bank. I can help you with your refund.", work.resolve("voices"), 300, 160, "en-us+f2");
        agent = new BaresipAgent(work.resolve("agent"), "1001", "1001secret", SIP_PORT, 25070, 34000, mic);
        var agents = new AgentRepository(server.database().dsl());
        long agentId = agents.findByUsername("1001").orElseThrow().id();
        await("baresip registered with digest auth").atMost(Duration.ofSeconds(20))
                .until(() -> !agents.contacts(agentId, Instant.now()).isEmpty());
    }

    @AfterAll
    static void stop() {
        if (agent != null) agent.close();
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    /** A request to the server's HTTP API as the user with {@code token} (null: anonymous); POST when {@code post}. */
    static HttpResponse<String> api(String path, String token, boolean post) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (post) b.POST(HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    static HttpResponse<String> get(String path, String token) throws Exception { return api(path, token, false); }

    /** The newest call from {@code caller} started after {@code since}. */
    static CallSummary latestCallFrom(String caller, Instant since) {
        return calls.search(null, 50).stream()
                .filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null);
    }

    static CallSummary awaitCall(String caller, Instant since, java.util.function.Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> latestCallFrom(caller, since), c -> c != null && condition.test(c));
    }

    /**
     * A known customer (+15550100) says yes to the prediction, hears agent 1001's greeting, says {@code sentence} and
     * hangs up. Returns the ended call once its transcript is stored (the QA rules' hits are stored with it).
     */
    static CallSummary transcribedAgentCall(String sentence) throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550100")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("yes", work.resolve("voices")));
            awaitCall("+15550100", since, c -> "1001".equals(c.agent()), "agent answered");
            line.voicedFramesDuring(Duration.ofSeconds(6)); // the agent's greeting
            line.say(Voices.pcm8k(sentence, work.resolve("voices")));
            line.voicedFramesDuring(Duration.ofSeconds(2));
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall("+15550100", since, x -> !"active".equals(x.status()), "call ended");
        await("transcribed and checked").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> transcripts.fullText(c.id()).isPresent());
        return c;
    }

    @Test
    void knownCustomerHearsPredictionSaysYesAndTalksToAgentThenCallIsRecordedTranscribedAndSearchable() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550100")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("yes", work.resolve("voices")));

            var bridged = awaitCall("+15550100", since, c -> "1001".equals(c.agent()), "agent 1001 answered");
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(6))).as("the caller hears the agent speak").isGreaterThan(50);
            line.say(Voices.pcm8k("I would like a refund for my order", work.resolve("voices")));
            line.call.hangUp("caller done");
            assertThat(bridged.predictedReason()).isEqualTo("refund");
        }
        CallSummary c = awaitCall("+15550100", since, x -> "completed".equals(x.status()), "call row completed");
        assertThat(c.predictedReason()).isEqualTo("refund");
        assertThat(c.predictionConfidence()).isGreaterThan(0.5);
        assertThat(c.confirmed()).as("caller's spoken yes recognised").isTrue();
        assertThat(c.confirmedReason()).isEqualTo("refund");
        assertThat(c.queue()).isEqualTo("refunds");
        assertThat(c.agent()).isEqualTo("1001");
        assertThat(c.flowName()).isEqualTo("hotline");
        assertThat(c.flowVersion()).isEqualTo(server.health().get("flowVersion"));
        assertThat(c.rtpReceived()).as("caller RTP packets, one per 20 ms").isGreaterThan(500);
        assertThat(c.rtpLost()).as("nothing is lost on loopback").isZero();
        assertThat(c.mos()).as("estimated MOS of a clean G.711 call").isBetween(4.0, 4.5);
        assertThat(c.peerLost()).as("the caller's phone reported (RTCP) losing none of our packets").isZero();
        assertThat(c.rttMs()).as("round trip from our sender report echoed in the phone's report block").isNotNull().isBetween(0.0, 50.0);

        // The agent's phone decoded the caller's voice: RTP flowed from caller through Foresight to the agent.
        await("agent dump written").atMost(Duration.ofSeconds(10)).until(() -> agent.heardWav().isPresent());
        short[] agentHeard = WavReader.read(agent.heardWav().get()).channels()[0];
        assertThat(Voices.rms(agentHeard, 0, agentHeard.length)).as("agent heard the caller").isGreaterThan(100);

        // One stereo WAV: caller left, IVR and agent right, both with sound.
        await("recording closed").atMost(Duration.ofSeconds(10)).until(() -> Files.size(Path.of(c.recordingPath())) > 44);
        var wav = WavReader.read(Path.of(c.recordingPath()));
        assertThat(wav.channels()).hasNumberOfRows(2);
        assertThat(Voices.rms(wav.channels()[0], 0, wav.channels()[0].length)).as("caller channel").isGreaterThan(100);
        assertThat(Voices.rms(wav.channels()[1], 0, wav.channels()[1].length)).as("IVR/agent channel").isGreaterThan(100);

        // After hang-up the transcription job runs; the call is then found by full-text search.
        var found = await("transcript searchable").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> calls.search("refund", 10), l -> l.stream().anyMatch(x -> x.id().equals(c.id())));
        assertThat(found.stream().filter(x -> x.id().equals(c.id())).findFirst().orElseThrow().snippet()).contains("<<refund");
        // What the IVR said is stored as it was said (labelled ivr), not recognised; the people are recognised.
        var segments = transcripts.segments(c.id());
        assertThat(segments).extracting(s -> s.channel()).contains("ivr", "caller", "agent");
        List<String> ivr = segments.stream().filter(s -> s.channel().equals("ivr")).map(s -> s.text()).toList();
        assertThat(ivr).as("the IVR's prompts, verbatim, in order")
                .startsWith("Thank you for calling Foresight Bank.", "Are you calling about your refund for order 456? Please say yes or no.");
        // Then the queue's announcement, cut off by the agent answering within a fraction of a second: at most its first words.
        assertThat(ivr).hasSizeBetween(2, 3);
        if (ivr.size() == 3) assertThat("Please hold, a refunds specialist will be with you shortly.").startsWith(ivr.get(2).replaceFirst(" …$", ""));
        Long agentJoined = transcripts.agentJoinedMs(c.id());
        assertThat(agentJoined).isNotNull();
        assertThat(segments).filteredOn(s -> s.channel().equals("ivr")).allSatisfy(s -> assertThat(s.endMs()).as("the IVR spoke before the agent answered")
                .isLessThanOrEqualTo(agentJoined + 1000));
        assertThat(segments).filteredOn(s -> s.channel().equals("agent")).allSatisfy(s -> assertThat(s.startMs()).as("only the agent's span is recognised")
                .isGreaterThanOrEqualTo(agentJoined - 1000));
        assertThat(segments).filteredOn(s -> s.channel().equals("caller")).extracting(s -> s.text()).as("the caller's words, recognised")
                .anySatisfy(t -> assertThat(t.toLowerCase()).containsAnyOf("refund", "order")); // Vosk has heard "every fun for my order"
        // A word only the prompt said (the order number from the history) finds the call.
        var byPrompt = calls.search("456", 10).stream().filter(x -> x.id().equals(c.id())).findFirst();
        assertThat(byPrompt).as("search for a word of a prompt finds the call").isPresent();
        assertThat(byPrompt.get().snippet()).contains("<<456>>");

        // The same through the HTTP API, with a token; without one, nothing.
        var resp = get("/api/calls?q=refund", server.newAdminToken());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.body()).contains(c.id()).contains("\"queue\":\"refunds\"").contains("\"agent\":\"1001\"").contains(c.recordingPath());
        var anonymous = get("/api/calls?q=refund", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownCallerSaysWhyTheyCallAndIsRoutedByTheReasonCatalogue() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550199")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("I lost my bank card. I think it was stolen.", work.resolve("voices")));
            awaitCall("+15550199", since, c -> "cards".equals(c.queue()), "queued in cards");
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall("+15550199", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(c.predictedReason()).as("no history, no prediction").isNull();
        assertThat(c.confirmedReason()).isEqualTo("card_lost");
        assertThat(c.callerSaid()).as("what Vosk heard is stored on the call").containsAnyOf("card", "stolen", "lost");
        assertThat(c.queue()).isEqualTo("cards");
    }

    @Test
    void callerWhoSaysNoAndThenNothingGetsTheMenuAndChoosesByKeypad() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550100")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("no", work.resolve("voices")));
            awaitCall("+15550100", since, c -> Boolean.FALSE.equals(c.confirmed()), "no recognised");
            // Stay silent through "why are you calling?"; the menu follows. Press 2 (RFC 4733) while it plays.
            await("menu reached").atMost(Duration.ofSeconds(30)).until(() -> calls.eventTypes(latestCallFrom("+15550100", since).id()).contains("ask"));
            line.voicedFramesDuring(Duration.ofSeconds(2));
            line.press('2');
            awaitCall("+15550100", since, c -> "cards".equals(c.queue()), "queued in cards");
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall("+15550100", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(c.confirmed()).isFalse();
        assertThat(c.confirmedReason()).isEqualTo("card_lost");
        assertThat(c.queue()).isEqualTo("cards");
    }

    @Test
    void callerWhoAnswersWhileTheQuestionIsStillPlayingCutsItShort() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, "+15550102")) {
            // The greeting (≈ 2.5 s) runs straight into the ≈ 6 s confirmation; answer 1 s into the confirmation.
            line.awaitEndOfPrompt(Duration.ofMillis(3500), Duration.ZERO, Duration.ofSeconds(30));
            line.say(Voices.pcm8k("no", work.resolve("voices")));
            CallSummary c = awaitCall("+15550102", since, x -> Boolean.FALSE.equals(x.confirmed()), "the early no was heard");
            assertThat(c.predictedReason()).isEqualTo("payment_failed");
            assertThat(calls.eventTypes(c.id())).as("the prompt was stopped when the caller spoke").contains("barge_in");
            line.call.hangUp("caller done");
        }
    }

    @Test
    void sippCallerIsAnsweredRecordedAndItsByeEndsTheCall() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        Process sipp = new ProcessBuilder("sipp", "-sn", "uac", "127.0.0.1:" + SIP_PORT, "-s", "hotline", "-m", "1", "-d", "3000",
                "-p", "25090", "-i", "127.0.0.1", "-timeout", "30s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(work.resolve("sipp.log").toFile()).start();
        assertThat(sipp.waitFor()).as("sipp exit code (0 = all calls succeeded); log: " + work.resolve("sipp.log")).isZero();
        CallSummary c = awaitCall("sipp", since, x -> !"active".equals(x.status()), "sipp call ended");
        assertThat(c.status()).isEqualTo("completed");
        assertThat(Path.of(c.recordingPath())).exists();
    }

    @Test
    void flowEditsGoLiveForTheNextCallAndABrokenEditKeepsTheLastGoodVersion() throws Exception {
        Path flow = operatorDir.resolve("flows/hotline.yml");
        String original = Files.readString(flow);
        String before = (String) server.health().get("flowVersion");
        try {
            // Good edit: the greeting now ends the call.
            Files.writeString(flow, original.replace("    next: predict\n", "    next: bye\n"));
            await("new version live").atMost(Duration.ofSeconds(10)).until(() -> !before.equals(server.health().get("flowVersion")));
            String edited = (String) server.health().get("flowVersion");
            Instant since = Instant.now().minusSeconds(1);
            try (var line = phone.dial(HOTLINE, "+15550102")) {
                assertThat(line.call.awaitEnd(Duration.ofSeconds(20))).as("Foresight hangs up after the greeting").isEqualTo("remote_bye");
            }
            CallSummary c = awaitCall("+15550102", since, x -> !"active".equals(x.status()), "call ended");
            assertThat(c.flowVersion()).isEqualTo(edited);

            // Broken edit: rejected with file:line, the edited version stays live and calls still work.
            Files.writeString(flow, original.replace("    next: predict\n", "    next: nowhere\n"));
            await("edit rejected").atMost(Duration.ofSeconds(10)).until(() -> !((List<?>) server.health().get("flowErrors")).isEmpty());
            assertThat(server.health().get("flowErrors").toString()).containsPattern("hotline.yml:\\d+: node 'greet': 'next' points to unknown node 'nowhere'");
            assertThat(server.health().get("flowVersion")).isEqualTo(edited);
            Instant since2 = Instant.now().minusSeconds(1);
            try (var line = phone.dial(HOTLINE, "+15550102")) {
                assertThat(line.call.awaitEnd(Duration.ofSeconds(20))).isEqualTo("remote_bye");
            }
            assertThat(awaitCall("+15550102", since2, x -> !"active".equals(x.status()), "call ended").flowVersion()).isEqualTo(edited);
        } finally {
            Files.writeString(flow, original);
            await("original restored").atMost(Duration.ofSeconds(10)).until(() -> before.equals(server.health().get("flowVersion")));
        }
    }

    @Test
    void healthAndMetricsAnswerWhileRunning() throws Exception {
        var health = get("/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"database\":true").contains("\"sip\":true").contains("\"asr\":true");
        var metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("foresight_sip_legs_active").contains("foresight_transcription_jobs_pending").contains("jvm_memory_used_bytes");
    }

    @Test
    void validateAcceptsTheExampleAndRejectsABrokenCopyWithFileAndLine() throws Exception {
        assertThat(new CommandLine(new Main()).execute("validate", "../examples/hotline")).isZero();
        Path broken = work.resolve("broken");
        copy(Path.of("../examples/hotline"), broken);
        Path flow = broken.resolve("flows/hotline.yml");
        Files.writeString(flow, Files.readString(flow).replace("    no: ask_reason\n", "    no: ask_reasn\n"));
        var err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = new CommandLine(new Main()).execute("validate", broken.toString());
        } finally {
            System.setErr(old);
        }
        int line = Files.readAllLines(flow).indexOf("    no: ask_reasn") + 1;
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains(flow + ":" + line + ": node 'confirm_prediction': 'no' points to unknown node 'ask_reasn' (did you mean 'ask_reason'?)");
    }

    @Test
    void qaRulesFindTheAgentsGreetingAndTheCallersEscalationAtTheirTimesAndSearchFindsCancel() throws Exception {
        CallSummary c = transcribedAgentCall("I want to cancel my account.");
        // hits read after the full text is there: read before, they could be the empty list of a moment earlier
        var hits = transcripts.qaHits(c.id());
        Long agentJoined = transcripts.agentJoinedMs(c.id());
        assertThat(agentJoined).as("the agent's part starts after the IVR").isGreaterThan(3000L);
        var greeting = hits.stream().filter(h -> h.category().equals("greeting")).findFirst().orElseThrow(() -> new AssertionError("no greeting hit in " + hits));
        var escalation = hits.stream().filter(h -> h.category().equals("escalation")).findFirst().orElseThrow(() -> new AssertionError("no escalation hit in " + hits + " of " + transcripts.fullText(c.id()).orElse("")));
        assertThat(greeting.channel()).isEqualTo("agent");
        assertThat(greeting.startMs()).as("greeting within 30 s of the agent answering").isBetween(agentJoined - 1000, agentJoined + 30_000);
        assertThat(escalation.channel()).isEqualTo("caller");
        assertThat(escalation.phrase()).isEqualTo("cancel my account");
        assertThat(escalation.startMs()).as("the caller asked after the agent greeted").isGreaterThan(greeting.endMs());
        assertThat(transcripts.qaScore(c.id())).as("100, minus 20 for the escalation; the greeting was said").isEqualTo(80);

        var segments = transcripts.segments(c.id());
        assertThat(segments).extracting(s -> s.channel()).contains("caller", "agent");
        assertThat(segments).as("a dialogue in time order").isSortedAccordingTo(java.util.Comparator.comparingLong(s -> s.startMs()));
        var found = calls.search("cancel", 10).stream().filter(x -> x.id().equals(c.id())).findFirst();
        assertThat(found).as("search for 'cancel' finds the call").isPresent();
        assertThat(found.get().snippet()).contains("<<cancel");

        // QA reviewers filter by what the rules found and by score, through the API.
        String token = server.newAdminToken();
        assertThat(get("/api/calls?q=cancel&category=escalation&maxScore=80&queue=refunds", token).body()).contains(c.id());
        assertThat(get("/api/calls?category=escalation&minScore=81", token).body()).doesNotContain(c.id());
        assertThat(get("/api/calls?category=forbidden", token).body()).doesNotContain(c.id());
        var detail = get("/api/calls/" + c.id(), token).body();
        assertThat(detail).contains("\"qaHits\"").contains("\"category\":\"escalation\"").contains("\"transcript\"").contains("\"qaScore\":80");
        var bad = get("/api/calls?from=yesterday", token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from must be a date");
    }

    @Test
    void aSpokenCardNumberIsRedactedFromTheTranscriptAndTheAudio() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        // Everything the server logs while the caller reads a card number at the "why are you calling?" question.
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        root.addAppender(logged);
        CallSummary c;
        try {
            try (var line = phone.dial(HOTLINE, "+15550199")) {
                line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
                short[] cardNumber = WavReader.read(Voices.wav8k("My card number is five one two three four five six seven eight nine one two three four five six.",
                        work.resolve("voices"), 0, 180, "en-us+f2")).channels()[0];
                line.say(cardNumber);
                // Stay on the line until the question has taken the answer (the caller then hears the menu).
                await("the ask node heard the answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    CallSummary live = latestCallFrom("+15550199", since);
                    return live != null && server.database().dsl().fetchCount(
                            server.database().dsl().selectOne().from("call_events").where("call_id = ? and type = 'ask'", live.id())) > 0;
                });
                line.voicedFramesDuring(Duration.ofSeconds(1));
                line.call.hangUp("caller done");
            }
            c = awaitCall("+15550199", since, x -> !"active".equals(x.status()), "call ended");
            String callId = c.id();
            await("transcribed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> transcripts.fullText(callId).isPresent());
        } finally {
            root.detachAppender(logged);
        }
        var digitRun = java.util.regex.Pattern.compile("\\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)([\\s,.-]+(zero|oh|one|two|three|four|five|six|seven|eight|nine)){3,}\\b|5123456789123456");
        var askEvents = server.database().dsl().fetch("select detail::text from call_events where call_id = ? and type = 'ask'", c.id());
        assertThat(askEvents).as("the ask node stored what it heard").isNotEmpty();
        assertThat(askEvents.get(0).get(0, String.class)).as("stored as the redactor left it")
                .containsPattern("\\[(CARD|PHONE|DIGITS)\\]");
        String logText = logged.list.stream().map(e -> e.getFormattedMessage()).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(logText).as("the server log while the card number was read").contains("event=ask").doesNotContainPattern(digitRun);
        var tables = server.database().dsl().fetch("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")
                .getValues(0, String.class);
        assertThat(tables).contains("calls", "call_events", "transcript_segments");
        for (String table : tables) {
            for (var row : server.database().dsl().fetch("select t::text from \"" + table + "\" t")) {
                assertThat(row.get(0, String.class)).as("a row of table " + table).doesNotContainPattern(digitRun);
            }
        }
        String stored = transcripts.fullText(c.id()).orElseThrow();
        assertThat(stored).as("stored transcript").contains("[CARD]").doesNotContainPattern(digitRun);
        // The IVR's own words are stored verbatim (the menu's "press 1" is a digit the IVR said, not the caller's data):
        // each ivr line is the start of one of the flow's prompts; every other line is what a person said, digit-free.
        var segments = transcripts.segments(c.id());
        List<String> flowPrompts = List.of("Thank you for calling Foresight Bank.", "In a few words, why are you calling?",
                "For refunds, press 1. For a lost or stolen card, press 2. For anything else, press 3.");
        assertThat(segments).filteredOn(s -> s.channel().equals("ivr")).extracting(s -> s.text().replaceFirst(" …$", ""))
                .isNotEmpty().allSatisfy(t -> assertThat(flowPrompts).anySatisfy(p -> assertThat(p).startsWith(t)));
        String people = segments.stream().filter(s -> !s.channel().equals("ivr")).map(s -> s.text()).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(people).as("what the caller said, as stored").contains("[CARD]").doesNotContainPattern("[0-9]")
                .doesNotContainPattern("\\b(one|two|three|four|five|six|seven|eight|nine|zero)\\b");
        // Transcribe the stored (redacted) recording again: no digits left in it.
        short[] callerAudio = WavReader.read(Path.of(c.recordingPath())).channels()[0];
        var again = server.speech().transcribe(callerAudio);
        var words = again.stream().map(w -> new foresight.recording.transcribe.TimedWord(w.word(), w.startMs(), w.endMs())).toList();
        long digitWords = words.stream().filter(w -> w.word().matches("zero|one|two|three|four|five|six|seven|eight|nine|oh|[0-9]+")).count();
        assertThat(digitWords).as("digit words heard in the redacted audio: " + words.stream().map(w -> w.word()).toList()).isLessThanOrEqualTo(1);
        assertThat(foresight.recording.qa.Redactor.redact(words).spans()).as("no run of digits survives in the audio").isEmpty();
        assertThat(Files.exists(Path.of(c.recordingPath().replace(".wav", ".unredacted.wav")))).as("original not kept by default").isFalse();
    }

    @Test
    void qaReviewerSearchesListensJumpsToALineAndScoresInTheBrowserAndOthersGetNoRecording() throws Exception {
        String qaCallId = transcribedAgentCall("I want to cancel my account.").id();
        var users = new foresight.db.audit.UserRepository(server.database().dsl());
        users.upsert("qa-tester", "qa", "qa-secret-token");
        users.upsert("agent-dana", "agent", "agent-secret-token");
        String base = "http://127.0.0.1:" + server.httpPort();

        var service = new org.openqa.selenium.chrome.ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        var options = new org.openqa.selenium.chrome.ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--mute-audio");
        var browser = new org.openqa.selenium.chrome.ChromeDriver(service, options);
        try {
            // Pages reload after a form is sent: an element found just before is stale, so look again.
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            browser.get(base + "/qa/login");
            browser.findElement(org.openqa.selenium.By.name("token")).sendKeys("qa-secret-token");
            browser.findElement(org.openqa.selenium.By.id("login-button")).click();
            wait.until(d -> d.getCurrentUrl().endsWith("/qa"));

            browser.findElement(org.openqa.selenium.By.name("q")).sendKeys("cancel");
            browser.findElement(org.openqa.selenium.By.name("category")).sendKeys("escalation");
            browser.findElement(org.openqa.selenium.By.id("go")).click();
            // The unfiltered page lists the call too: wait for the search's own page, or its elements go stale under us.
            wait.until(d -> d.getCurrentUrl().contains("q=cancel"));
            wait.until(d -> d.findElement(org.openqa.selenium.By.id("results")).getText().contains("cancel")); // the snippet shows the match
            wait.until(d -> d.findElement(org.openqa.selenium.By.cssSelector("a[href='/qa/calls/" + qaCallId + "']"))).click();

            var js = (org.openqa.selenium.JavascriptExecutor) browser;
            wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').readyState")).intValue() >= 1);
            var callerLine = browser.findElements(org.openqa.selenium.By.cssSelector("#transcript .line.caller")).stream()
                    .filter(e -> e.getText().contains("cancel")).findFirst().orElseThrow(() -> new AssertionError("no caller line with 'cancel'"));
            double lineStart = Long.parseLong(callerLine.getAttribute("data-start")) / 1000.0;
            assertThat(lineStart).isGreaterThan(2.0);
            assertThat(((Number) js.executeScript("return document.getElementById('player').currentTime")).doubleValue()).isLessThan(1.0);
            callerLine.click();
            wait.until(d -> ((Number) js.executeScript("return document.getElementById('player').currentTime")).doubleValue() >= lineStart - 0.1);
            wait.until(d -> callerLine.getAttribute("class").contains("playing"));
            assertThat(browser.findElement(org.openqa.selenium.By.id("hits")).getText()).contains("escalation").contains("greeting");

            browser.findElement(org.openqa.selenium.By.name("score")).sendKeys("85");
            browser.findElement(org.openqa.selenium.By.name("comment")).sendKeys("handled the cancellation calmly");
            browser.findElement(org.openqa.selenium.By.id("save")).click();
            wait.until(d -> d.findElement(org.openqa.selenium.By.id("reviews")).getText().contains("85 by qa-tester"));
        } finally {
            browser.quit();
        }
        assertThat(transcripts.reviews(qaCallId)).extracting(r -> r.reviewer() + ":" + r.score()).contains("qa-tester:85");
        assertThat(users.auditCount("listen")).as("listening was audited").isPositive();
        assertThat(users.auditCount("score")).isPositive();

        // Someone without the QA or supervisor role gets no recording, and the refusal is audited.
        int deniedBefore = users.auditCount("denied");
        var refused = get("/api/calls/" + qaCallId + "/recording", "agent-secret-token");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(users.auditCount("denied")).isEqualTo(deniedBefore + 1);
        var allowed = get("/api/calls/" + qaCallId + "/recording", "qa-secret-token");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Content-Type").orElse("")).startsWith("audio/wav");
        assertThat(allowed.body()).startsWith("RIFF");
    }

    @Test
    void anAgentPausesTheRecordingForCardCaptureAndTheFileKeepsSilenceAndMarkersInstead() throws Exception {
        var users = new foresight.db.audit.UserRepository(server.database().dsl());
        users.upsert("agent-dana", "agent", "agent-secret-token");
        users.upsert("qa-tester", "qa", "qa-secret-token");
        Instant since = Instant.now().minusSeconds(1);
        String id;
        try (var line = phone.dial(HOTLINE, "+15550100")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("yes", work.resolve("voices")));
            id = awaitCall("+15550100", since, c -> "1001".equals(c.agent()), "agent answered").id();
            line.voicedFramesDuring(Duration.ofSeconds(5)); // the agent's greeting
            assertThat(api("/api/calls/" + id + "/recording/pause", "qa-secret-token", true).statusCode()).as("QA may not pause").isEqualTo(403);
            assertThat(api("/api/calls/" + id + "/recording/pause", "agent-secret-token", true).statusCode()).isEqualTo(200);
            line.say(Voices.pcm8k("four one one one, one one one one, one one one one, one one one one", work.resolve("voices")));
            assertThat(api("/api/calls/" + id + "/recording/resume", "agent-secret-token", true).statusCode()).isEqualTo(200);
            line.say(Voices.pcm8k("Thank you, that is all.", work.resolve("voices")));
            line.voicedFramesDuring(Duration.ofSeconds(1));
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall("+15550100", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(api("/api/calls/" + id + "/recording/pause", "agent-secret-token", true).statusCode()).as("the call is over").isEqualTo(404);
        await("transcribed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> transcripts.fullText(c.id()).isPresent());
        var events = calls.events(c.id());
        long pausedAt = markerMs(events, "recording_paused"), resumedAt = markerMs(events, "recording_resumed");
        assertThat(resumedAt - pausedAt).as("paused while the card number was read").isGreaterThan(3000);
        short[] callerChannel = WavReader.read(Path.of(c.recordingPath())).channels()[0];
        int from = (int) (pausedAt * 8), to = (int) Math.min(callerChannel.length, resumedAt * 8);
        assertThat(Voices.rms(callerChannel, from, to)).as("silence where the recording was paused").isZero();
        assertThat(Voices.rms(callerChannel, to, callerChannel.length)).as("sound again after resume").isGreaterThan(100);
        assertThat(transcripts.fullText(c.id()).orElseThrow()).as("the digits were never recorded, so never transcribed")
                .doesNotContain("[CARD]").doesNotContain("[DIGITS]").doesNotContainPattern("\\bone one\\b");
    }

    static long markerMs(List<foresight.db.call.CallEvent> events, String type) {
        var e = events.stream().filter(x -> x.type().equals(type)).findFirst().orElseThrow(() -> new AssertionError("no " + type + " in " + events));
        var m = java.util.regex.Pattern.compile("\"at_ms\"\\s*:\\s*(\\d+)").matcher(e.detail());
        assertThat(m.find()).as("marker position in " + e.detail()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void afterTheRetentionPeriodTheAudioIsDeletedButTheCallAndItsTranscriptStay() throws Exception {
        new foresight.db.audit.UserRepository(server.database().dsl()).upsert("qa-tester", "qa", "qa-secret-token");
        String qaCallId = transcribedAgentCall("I want to cancel my account.").id();
        CallSummary c = calls.find(qaCallId).orElseThrow();
        Path wav = Path.of(c.recordingPath());
        assertThat(wav).exists();
        int deleted = new foresight.recording.RecordingRetention(transcripts, 30, java.time.Clock.systemUTC())
                .runOnce(Instant.now().plus(Duration.ofDays(31)));
        assertThat(deleted).isPositive();
        assertThat(wav).doesNotExist();
        assertThat(transcripts.fullText(qaCallId)).isPresent();
        assertThat(transcripts.qaHits(qaCallId)).isNotEmpty();
        var response = get("/api/calls/" + qaCallId + "/recording", "qa-secret-token");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new foresight.recording.RecordingRetention(transcripts, 30, java.time.Clock.systemUTC())
                .runOnce(Instant.now().plus(Duration.ofDays(31)))).as("nothing left to delete").isZero();
    }
}
