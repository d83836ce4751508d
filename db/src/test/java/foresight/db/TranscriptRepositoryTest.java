package foresight.db;

import foresight.db.call.CallRepository;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TranscriptRepositoryTest {
    static Database db;

    @BeforeAll
    static void start() {
        db = SharedPostgres.open(4);
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

    @Test
    void reviewQueueCountsAnAgentsSampledCallsPerUtcDay() {
        var calls = new CallRepository(db.dsl());
        var transcripts = new TranscriptRepository(db.dsl());
        long agent = new foresight.db.agent.AgentRepository(db.dsl()).upsert("q-agent", "Q", "foresight", "pw", java.util.Set.of()).id();
        Instant day = Instant.parse("2026-11-20T10:00:00Z");
        String[] ids = {"s1", "s2", "s3", "s4"};
        Instant[] starts = {day, day.plusSeconds(3600), day.plusSeconds(86_400), day.minusSeconds(86_400)};
        for (int i = 0; i < ids.length; i++) {
            calls.create(ids[i], "sip-" + ids[i], "+1555", null, starts[i]);
            calls.agent(ids[i], agent);
        }
        calls.create("s5", "sip-s5", "+1555", null, day);
        assertThat(transcripts.sampledSameDayForAgentOf("s5")).as("no agent").isEqualTo(-1);
        assertThat(transcripts.sampledSameDayForAgentOf("s1")).isZero();
        transcripts.sampleForReview("s1");
        transcripts.sampleForReview("s3"); // the next day
        transcripts.sampleForReview("s4"); // the day before
        assertThat(transcripts.sampledSameDayForAgentOf("s2")).as("only s1 is the same agent on the same day").isEqualTo(1);
        assertThat(transcripts.sampledSameDayForAgentOf("s3")).isEqualTo(1);
    }
}
