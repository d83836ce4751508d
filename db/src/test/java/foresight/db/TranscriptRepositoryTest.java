package foresight.db;

import foresight.db.call.CallRepository;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TranscriptRepositoryTest {
    @TempDir static Path dir;
    static Database db;

    @BeforeAll
    static void start() {
        db = Database.open(new DatabaseConfig(null, null, null, dir.resolve("pg"), 4));
    }

    @AfterAll
    static void stop() { db.close(); }

    @Test
    void queuedJobIsClaimedOnceAndItsTranscriptIsFoundByStemmedSearch() {
        var calls = new CallRepository(db.dsl());
        var transcripts = new TranscriptRepository(db.dsl());
        calls.create("c1", "sip-1", "+15550100", null, Instant.now());
        transcripts.recordingOpened("c1", "/tmp/c1.wav", 2, 8000);
        transcripts.recordingClosed("c1", 1000);

        var job = transcripts.claim(3).orElseThrow();
        assertThat(transcripts.claim(3)).as("a running job is not handed out twice").isEmpty();
        transcripts.complete(job, List.of(new Segment("caller", 0, 900, "I am calling about my refunds")));

        var hits = calls.search("refund", 10);
        assertThat(hits).extracting(c -> c.id()).containsExactly("c1");
        assertThat(hits.getFirst().snippet()).contains("<<refunds>>");
        assertThat(calls.search("mortgage", 10)).isEmpty();
    }

    @Test
    void failedJobIsRetriedUntilTheAttemptLimit() {
        var calls = new CallRepository(db.dsl());
        var transcripts = new TranscriptRepository(db.dsl());
        calls.create("c2", "sip-2", "+15550101", null, Instant.now());
        transcripts.recordingOpened("c2", "/tmp/c2.wav", 2, 8000);
        transcripts.recordingClosed("c2", 1000);
        for (int i = 0; i < 2; i++) {
            var job = transcripts.claim(2).orElseThrow();
            assertThat(job.callId()).isEqualTo("c2");
            transcripts.fail(job, "boom", 2);
        }
        assertThat(transcripts.claim(2)).isEmpty();
    }
}
