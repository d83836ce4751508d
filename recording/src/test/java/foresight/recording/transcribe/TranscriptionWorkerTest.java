package foresight.recording.transcribe;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.call.CallRepository;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import foresight.recording.qa.QaRules;
import foresight.recording.wav.WavReader;
import foresight.recording.wav.WavWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's own duties against real PostgreSQL, with a scripted recogniser: what the caller said is redacted
 * in the stored words and toned out of the audio, QA rules score it, and a recording that cannot be read or a
 * recogniser that fails makes the job retried and then failed with its reason, never lost or stuck.
 */
class TranscriptionWorkerTest {
    static final short LEVEL = 1500;
    @TempDir static Path dir;
    static Database db;
    static CallRepository calls;
    static TranscriptRepository transcripts;

    @BeforeAll
    static void start() {
        db = SharedPostgres.open(4);
        calls = new CallRepository(db.dsl());
        transcripts = new TranscriptRepository(db.dsl());
    }

    @AfterAll
    static void stop() { db.close(); }

    /** Each test's worker takes its own call's job: one a failed test left behind is put aside. */
    @BeforeEach
    void noJobLeftOver() { db.dsl().execute("update transcription_jobs set status = 'failed' where status in ('queued', 'running')"); }

    static Path recording(String id, int seconds) throws Exception {
        Path wav = dir.resolve(id + ".wav");
        short[] left = new short[seconds * 8000], right = new short[seconds * 8000];
        java.util.Arrays.fill(left, LEVEL);
        try (var w = new WavWriter(wav, 2, 8000)) {
            w.appendStereo(left, right);
        }
        return wav;
    }

    static void call(String id, Path wav, long durationMs) {
        Instant now = Instant.now();
        calls.create(id, "sip-" + id, "+15550100", null, now);
        calls.answered(id, now);
        transcripts.recordingOpened(id, wav.toString(), 2, 8000);
        transcripts.recordingClosed(id, durationMs);
    }

    /** Words 300 ms apart from {@code atMs}, each 250 ms long. */
    static List<TimedWord> said(long atMs, String text) {
        List<TimedWord> out = new ArrayList<>();
        long t = atMs;
        for (String w : text.split(" ")) {
            out.add(new TimedWord(w, t, t + 250));
            t += 300;
        }
        return out;
    }

    static String status(String callId) { return transcripts.jobState(callId).orElseThrow().status(); }

    @Test
    void aCardNumberTheCallerReadOutIsStoredAsCardAndTonedOutOfTheCallersAudio() throws Exception {
        Path wav = recording("w1", 10);
        call("w1", wav, 10_000);
        // "my card number is" 1.0-2.15 s, then sixteen digits 2.2-6.95 s, "thanks" 7.0 s
        var words = said(1000, "my card number is five one two three four five six seven eight nine one two three four five six thanks");
        var rules = new QaRules(List.of(new QaRules.Category("card_read_out", "caller", List.of(List.of("card", "number")), null, false, -10)), true);
        var worker = new TranscriptionWorker(transcripts, pcm -> pcm[0] == LEVEL ? words : List.of(), Duration.ofMillis(100), 3, () -> rules, false);

        assertThat(worker.runOnce()).isTrue();

        assertThat(status("w1")).isEqualTo("done");
        assertThat(transcripts.segments("w1")).extracting(Segment::channel, Segment::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("caller", "my card number is [CARD] thanks"));
        assertThat(calls.find("w1").orElseThrow().redactions()).isEqualTo(1);
        assertThat(transcripts.qaHits("w1")).extracting(h -> h.category()).containsExactly("card_read_out");
        short[] caller = WavReader.read(wav).channels()[0];
        assertThat(caller[4000 * 8]).as("inside the card number: tone, not the caller's level").isNotEqualTo(LEVEL);
        assertThat(caller[1500 * 8]).as("before it: untouched").isEqualTo(LEVEL);
        assertThat(caller[9000 * 8]).as("after it: untouched").isEqualTo(LEVEL);
    }

    @Test
    void aRecordingThatIsNotAWavFileFailsItsJobWithTheReasonAfterItsAttempts() throws Exception {
        Path garbage = dir.resolve("w2.wav");
        Files.write(garbage, "RIFF....this is not a wave file at all".getBytes());
        call("w2", garbage, 4000);
        var worker = new TranscriptionWorker(transcripts, pcm -> List.of(), Duration.ofMillis(100), 2);

        assertThat(worker.runOnce()).as("first attempt").isTrue();
        assertThat(status("w2")).as("retried after the first failure").isEqualTo("queued");
        assertThat(worker.runOnce()).as("second attempt").isTrue();
        var state = transcripts.jobState("w2").orElseThrow();
        assertThat(state.status()).isEqualTo("failed");
        assertThat(state.attempts()).isEqualTo(2);
        assertThat(state.lastError()).as("the reason stored").isNotBlank().contains("w2.wav");
        assertThat(worker.runOnce()).as("nothing left to take: a failed job is not taken again").isFalse();
    }

    @Test
    void aRecogniserThatFailsOnceIsRetriedAndTheSecondAttemptIsStoredOnce() throws Exception {
        Path wav = recording("w3", 4);
        call("w3", wav, 4000);
        AtomicInteger asked = new AtomicInteger();
        ChannelTranscriber flaky = pcm -> {
            if (pcm[0] != LEVEL) return List.of();
            if (asked.incrementAndGet() == 1) throw new IllegalStateException("recogniser crashed");
            return said(500, "hello there");
        };
        var worker = new TranscriptionWorker(transcripts, flaky, Duration.ofMillis(100), 3);

        assertThat(worker.runOnce()).isTrue();
        var first = transcripts.jobState("w3").orElseThrow();
        assertThat(first.status()).isEqualTo("queued");
        assertThat(first.lastError()).contains("recogniser crashed");
        assertThat(worker.runOnce()).isTrue();

        assertThat(status("w3")).isEqualTo("done");
        assertThat(transcripts.segments("w3")).extracting(Segment::text).containsExactly("hello there");
    }
}
