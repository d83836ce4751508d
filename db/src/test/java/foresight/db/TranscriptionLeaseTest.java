package foresight.db;

import foresight.db.call.CallRepository;
import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Job leases against a real (embedded) PostgreSQL: a dead worker's job is retried, never finished twice. */
class TranscriptionLeaseTest {
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

    private static void queue(String id) {
        calls.create(id, "sip-" + id, "+15550100", null, Instant.now());
        transcripts.recordingOpened(id, "/tmp/" + id + ".wav", 2, 8000);
        transcripts.recordingClosed(id, 1000);
    }

    private static void drain() {
        db.dsl().execute("update transcription_jobs set status = 'done' where status in ('queued', 'running')");
    }

    @Test
    void aJobWhoseLeaseExpiredIsTakenAgainByAnotherWorkerAsANewAttempt() throws Exception {
        drain();
        queue("lease1");
        var first = transcripts.claim("worker-a", Duration.ofMillis(300), 3, false).orElseThrow();
        assertThat(transcripts.claim("worker-b", Duration.ofSeconds(30), 3, false)).as("held by worker-a").isEmpty();
        assertThat(transcripts.renew(first, Duration.ofMillis(300))).as("the holder renews").isTrue();
        Thread.sleep(600);
        var second = transcripts.claim("worker-b", Duration.ofSeconds(30), 3, false).orElseThrow();
        assertThat(second.callId()).isEqualTo("lease1");
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.leaseEpoch()).isGreaterThan(first.leaseEpoch());
        assertThat(transcripts.renew(first, Duration.ofSeconds(30))).as("the old holder lost its lease").isFalse();
    }

    @Test
    void aStaleFinishersResultIsRefusedAndTheNewHoldersIsKept() throws Exception {
        drain();
        queue("lease2");
        var stale = transcripts.claim("worker-a", Duration.ofMillis(200), 3, false).orElseThrow();
        Thread.sleep(400);
        var fresh = transcripts.claim("worker-b", Duration.ofSeconds(30), 3, false).orElseThrow();
        assertThat(transcripts.complete(fresh, List.of(new Segment("caller", 0, 500, "fresh words")))).isTrue();
        assertThat(transcripts.complete(stale, List.of(new Segment("caller", 0, 500, "stale words")))).as("fenced").isFalse();
        assertThat(transcripts.fail(stale, "late failure", 3)).as("a stale failure is fenced too").isFalse();
        assertThat(transcripts.fullText("lease2")).contains("caller: fresh words");
        assertThat(transcripts.jobState("lease2").orElseThrow().status()).isEqualTo("done");
        assertThat(transcripts.segments("lease2")).extracting(Segment::text).containsExactly("fresh words");
    }

    @Test
    void aJobWhoseWorkerDiesOnTheLastAttemptIsFailedWithTheReasonStored() throws Exception {
        drain();
        queue("lease3");
        for (int i = 0; i < 2; i++) {
            assertThat(transcripts.claim("dying-" + i, Duration.ofMillis(200), 2, false)).isPresent();
            Thread.sleep(400);
        }
        assertThat(transcripts.claim("worker-z", Duration.ofSeconds(30), 2, false)).isEmpty();
        var state = transcripts.jobState("lease3").orElseThrow();
        assertThat(state.status()).isEqualTo("failed");
        assertThat(state.attempts()).isEqualTo(2);
        assertThat(state.lastError()).contains("lease expired").contains("dying-1").contains("attempt 2 of 2");
    }

    @Test
    void aReleasedJobIsQueuedAgainWithoutCountingTheAttempt() {
        drain();
        queue("lease4");
        var job = transcripts.claim("stopping", Duration.ofSeconds(30), 3, false).orElseThrow();
        assertThat(transcripts.release(job)).isTrue();
        assertThat(transcripts.complete(job, List.of())).as("a released take cannot finish").isFalse();
        var again = transcripts.claim("other", Duration.ofSeconds(30), 3, false).orElseThrow();
        assertThat(again.attempts()).isEqualTo(1);
    }

    @Test
    void backlogAndLagCountOnlyQueuedJobs() throws Exception {
        drain();
        assertThat(transcripts.backlog()).isZero();
        assertThat(transcripts.lagSeconds()).isZero();
        queue("lag1");
        queue("lag2");
        Thread.sleep(1100);
        assertThat(transcripts.backlog()).isEqualTo(2);
        assertThat(transcripts.lagSeconds()).isGreaterThanOrEqualTo(1.0);
        transcripts.claim("w", Duration.ofSeconds(30), 3, false).orElseThrow();
        assertThat(transcripts.backlog()).isEqualTo(1);
    }

    @Test
    void aRemoteWorkerTakesOnlyRecordingsAlreadyInTheObjectStore() {
        drain();
        queue("local1");
        assertThat(transcripts.claim("remote", Duration.ofSeconds(30), 3, true)).isEmpty();
        assertThat(transcripts.queuedLocalRecordings(10)).extracting(r -> r.callId()).contains("local1");
        transcripts.recordingMoved("local1", "s3://bucket/2026/12/02/local1.wav");
        assertThat(transcripts.claim("remote", Duration.ofSeconds(30), 3, true).orElseThrow().recordingPath()).isEqualTo("s3://bucket/2026/12/02/local1.wav");
    }
}
