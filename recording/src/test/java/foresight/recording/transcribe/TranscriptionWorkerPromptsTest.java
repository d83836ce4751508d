package foresight.recording.transcribe;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.call.CallRepository;
import foresight.db.transcript.PlayedPrompt;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.qa.QaRules;
import foresight.recording.wav.WavReader;
import foresight.recording.wav.WavWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker against real PostgreSQL, with a recogniser that answers by channel: the IVR's prompts come from the
 * call's timeline verbatim, and the right channel is only recognised while an agent is on the call.
 */
class TranscriptionWorkerPromptsTest {
    static final short CALLER = 1000, HEARD = 2000; // each channel's constant level tells the fake recogniser which it was given
    @TempDir static Path dir;
    static Database db;
    static CallRepository calls;
    static TranscriptRepository transcripts;

    /** What the fake recogniser was asked to decode: which channel and how many ms of it. */
    final List<String> decoded = new ArrayList<>();
    final ChannelTranscriber recogniser = pcm -> {
        long ms = pcm.length / 8;
        if (pcm[0] == CALLER) {
            decoded.add("caller:" + ms);
            return List.of(new TimedWord("yes", 8000, 8300), new TimedWord("please", 8300, 8700));
        }
        decoded.add("heard:" + ms);
        // Words at 0.5 s and 1.5 s into what it was given; it would say the prompt's words wrongly, as recognisers did.
        return List.of(new TimedWord("hello", 500, 900), new TimedWord("refund", 1500, 1900), new TimedWord("help", 1900, 2200));
    };

    @BeforeAll
    static void start() {
        db = SharedPostgres.open(4);
        calls = new CallRepository(db.dsl());
        transcripts = new TranscriptRepository(db.dsl());
    }

    @AfterAll
    static void stop() { db.close(); }

    /** Each test's worker takes its own call's job: one a failed test left behind is put aside. */
    @org.junit.jupiter.api.BeforeEach
    void noJobLeftOver() { db.dsl().execute("update transcription_jobs set status = 'failed' where status = 'queued'"); }

    static Path recording(String id, int seconds) throws Exception {
        Path wav = dir.resolve(id + ".wav");
        short[] left = new short[seconds * 8000], right = new short[seconds * 8000];
        java.util.Arrays.fill(left, CALLER);
        java.util.Arrays.fill(right, HEARD);
        try (var w = new WavWriter(wav, 2, 8000)) {
            w.appendStereo(left, right);
        }
        return wav;
    }

    static void call(String id, Instant answered, Path wav, long durationMs, PlayedPrompt... prompts) {
        calls.create(id, "sip-" + id, "+15550100", null, answered);
        calls.answered(id, answered);
        for (PlayedPrompt p : prompts) calls.event(id, PlayedPrompt.EVENT, p.detail());
        transcripts.recordingOpened(id, wav.toString(), 2, 8000);
        transcripts.recordingClosed(id, durationMs);
    }

    TranscriptionWorker worker(boolean redact) {
        return new TranscriptionWorker(transcripts, recogniser, Duration.ofMillis(100), 3, () -> new QaRules(List.of(), redact), false);
    }

    @Test
    void aCallWithoutAgentStoresThePromptsVerbatimAsIvrAndOnlyTheCallerIsRecognised() throws Exception {
        Path wav = recording("p1", 10);
        call("p1", Instant.now(), wav, 10_000,
                new PlayedPrompt("Thank you for calling Foresight Bank.", 0, 2400, false, false),
                new PlayedPrompt("Are you calling about your refund for order 456? Please say yes or no.", 2400, 7800, false, false));
        assertThat(worker(false).runOnce()).isTrue();

        assertThat(decoded).as("the right channel is not recognised while only the IVR speaks").containsExactly("caller:10000");
        assertThat(transcripts.segments("p1")).containsExactly(
                new Segment("ivr", 0, 2400, "Thank you for calling Foresight Bank."),
                new Segment("ivr", 2400, 7800, "Are you calling about your refund for order 456? Please say yes or no."),
                new Segment("caller", 8000, 8700, "yes please"));
        assertThat(calls.search("order", 10)).as("a word only the prompt said finds the call").extracting(c -> c.id()).contains("p1");
        assertThat(calls.search("order", 10).stream().filter(c -> c.id().equals("p1")).findFirst().orElseThrow().snippet()).contains("<<order>>");
    }

    @Test
    void withAnAgentTheRightChannelIsRecognisedFromJustBeforeTheyAnsweredAndLabelledAgent() throws Exception {
        Path wav = recording("p2", 12);
        Instant answered = Instant.now();
        call("p2", answered, wav, 12_000, new PlayedPrompt("Please hold while we connect you to an agent.", 0, 2600, false, false));
        db.dsl().execute("insert into call_events(call_id, at, type) values (?, ?::timestamptz, 'agent_answered')", "p2",
                answered.plusSeconds(5).toString());
        assertThat(worker(false).runOnce()).isTrue();

        // Agent answered 5 s in: decoding starts 1 s earlier, so the fake's words at 0.5 s and 1.5 s land at 4.5 s and 5.5 s (ending 6.2 s).
        assertThat(decoded).containsExactlyInAnyOrder("caller:12000", "heard:8000");
        assertThat(transcripts.segments("p2")).containsExactly(
                new Segment("ivr", 0, 2600, "Please hold while we connect you to an agent."),
                new Segment("agent", 4500, 6200, "hello refund help"),
                new Segment("caller", 8000, 8700, "yes please"));
    }

    @Test
    void aPromptTheRedactorChangedHasItsAudioToneOutAndCountsAsARedaction() throws Exception {
        Path wav = recording("p3", 8);
        call("p3", Instant.now(), wav, 8000, new PlayedPrompt("Are you calling about your card ending in [DIGITS]?", 1000, 4000, false, true));
        assertThat(worker(true).runOnce()).isTrue();

        assertThat(transcripts.segments("p3")).contains(new Segment("ivr", 1000, 4000, "Are you calling about your card ending in [DIGITS]?"));
        assertThat(calls.find("p3").orElseThrow().redactions()).isEqualTo(1);
        short[] right = WavReader.read(wav).channels()[1];
        assertThat(right[2000 * 8]).as("inside the prompt: tone, not the original level").isNotEqualTo(HEARD);
        assertThat(right[6000 * 8]).as("after it: untouched").isEqualTo(HEARD);
        assertThat(WavReader.read(wav).channels()[0][2000 * 8]).as("the caller's side is not touched").isEqualTo(CALLER);
    }
}
