package foresight.app.e2e;

import foresight.app.Server;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.wav.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls on the product's default open recogniser, Moonshine base behind the Silero VAD (the other end-to-end tests
 * recognise open answers and transcripts with Vosk, see {@link TestConfigs}): what a caller says at "why are you
 * calling?" is heard live at the question and again in the post-call transcript, and a card number read out there
 * reaches neither the log nor any table. Real SIP/RTP on 127.0.0.1, espeak-ng callers, Festival us-slt prompts.
 * Ports 49000-49999.
 */
class DefaultRecogniserEndToEndTest {
    static final int SIP_PORT = 49060;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    /**
     * The card number 5123 4567 8912 3456 or a piece of it: four or more digit words in a row, or its digits as
     * numerals the way Moonshine writes them ("512-3456-1891-23456"; ids and timestamps hold other digits).
     */
    static final Pattern DIGIT_RUN = Pattern.compile(
            "\\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)([\\s,.-]+(zero|oh|one|two|three|four|five|six|seven|eight|nine)){3,}\\b"
                    + "|5123456789123456|512[-\\s]?3456|891[-\\s]?23456|3456[-\\s]?789");
    static Path work;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;
    static TranscriptRepository transcripts;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-moonshine-e2e");
        Path operatorDir = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operatorDir);
        var config = TestConfigs.server(SIP_PORT, 49100, 49598, 60, work, operatorDir.toString(), 200, true, 4, "moonshine");
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        transcripts = new TranscriptRepository(server.database().dsl());
        phone = new TestPhone(49062, 49600);
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static CallSummary awaitCall(String caller, Instant since, Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> calls.search(null, 50).stream()
                        .filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since)).findFirst().orElse(null),
                        c -> c != null && condition.test(c));
    }

    /** Calls the hotline as an unknown number, says {@code pcm} at the open question and hangs up once it was taken. */
    static CallSummary sayAtTheQuestion(String from, short[] pcm) throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, from)) {
            line.awaitEndOfPrompt(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(pcm);
            await("the question took the answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> askEvents(from, since) > 0);
            line.voicedFramesDuring(Duration.ofSeconds(1));
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall(from, since, x -> !"active".equals(x.status()), "call ended");
        await("transcribed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> transcripts.fullText(c.id()).isPresent());
        return c;
    }

    static int askEvents(String from, Instant since) {
        var live = calls.search(null, 50).stream().filter(c -> c.caller().equals(from) && !c.startedAt().isBefore(since)).findFirst();
        return live.map(c -> server.database().dsl().fetchCount(
                server.database().dsl().selectOne().from("call_events").where("call_id = ? and type = 'ask'", c.id()))).orElse(0);
    }

    static String heardAtTheQuestion(String callId) {
        return server.database().dsl().fetch("select detail->>'heard' from call_events where call_id = ? and type = 'ask'", callId)
                .getValues(0, String.class).getFirst();
    }

    static String callersWords(String callId) {
        return transcripts.segments(callId).stream().filter(s -> s.channel().equals("caller")).map(Segment::text)
                .collect(Collectors.joining(" ")).toLowerCase();
    }

    @Test
    void whatTheCallerSaysAtTheQuestionIsHeardLiveAndInTheTranscriptAndTheQaRuleFindsIt() throws Exception {
        CallSummary c = sayAtTheQuestion("+15550198", Voices.pcm8k("I want to cancel my account.", work.resolve("voices")));
        assertThat(heardAtTheQuestion(c.id())).as("heard live at the question").containsIgnoringCase("cancel my account");
        assertThat(callersWords(c.id())).as("the caller's words in the transcript of " + transcripts.fullText(c.id()).orElse(""))
                .contains("cancel my account");
        assertThat(transcripts.qaHits(c.id())).as("the escalation rule on the caller's channel")
                .anySatisfy(h -> {
                    assertThat(h.category()).isEqualTo("escalation");
                    assertThat(h.channel()).isEqualTo("caller");
                    assertThat(h.phrase()).isEqualTo("cancel my account");
                });
    }

    @Test
    void aCardNumberReadOutAtTheQuestionIsInNoTableAndNotInTheLog() throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        root.addAppender(logged);
        CallSummary c;
        try {
            short[] card = WavReader.read(Voices.wav8k("My card number is five one two three four five six seven eight nine one two three four five six.",
                    work.resolve("voices"), 0, 180, "en-us+f2")).channels()[0];
            c = sayAtTheQuestion("+15550197", card);
        } finally {
            root.detachAppender(logged);
        }
        assertThat(heardAtTheQuestion(c.id())).as("stored as the redactor left it").contains("[CARD]").doesNotContainPattern(DIGIT_RUN);
        String log = logged.list.stream().map(e -> e.getFormattedMessage()).collect(Collectors.joining("\n"));
        assertThat(log).as("the server log while the card number was read").contains("event=ask").doesNotContainPattern(DIGIT_RUN);
        assertThat(callersWords(c.id())).as("the caller's words in the transcript").contains("[card]").doesNotContainPattern(DIGIT_RUN);
        List<String> tables = server.database().dsl()
                .fetch("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")
                .getValues(0, String.class);
        for (String table : List.of("calls", "call_events", "transcript_segments")) assertThat(tables).contains(table);
        for (String table : tables) {
            for (var row : server.database().dsl().fetch("select t::text from \"" + table + "\" t where t::text like '%' || ? || '%'", c.id())) {
                assertThat(row.get(0, String.class)).as("a row of " + table + " about the call").doesNotContainPattern(DIGIT_RUN);
            }
        }
    }
}
