package foresight.db.transcript;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static foresight.db.schema.Tables.CALLS;
import static foresight.db.schema.Tables.QA_HITS;
import static foresight.db.schema.Tables.QA_REVIEWS;
import static foresight.db.schema.Tables.RECORDINGS;
import static foresight.db.schema.Tables.TRANSCRIPTION_JOBS;
import static foresight.db.schema.Tables.TRANSCRIPTS;
import static foresight.db.schema.Tables.TRANSCRIPT_SEGMENTS;

/** Recordings, transcription jobs and transcripts. Thread-safe; any node may run workers against it. */
public final class TranscriptRepository {
    private final DSLContext dsl;

    public TranscriptRepository(DSLContext dsl) { this.dsl = dsl; }

    public void recordingOpened(String callId, String path, int channels, int sampleRate) {
        dsl.insertInto(RECORDINGS).set(RECORDINGS.CALL_ID, callId).set(RECORDINGS.PATH, path)
                .set(RECORDINGS.CHANNELS, channels).set(RECORDINGS.SAMPLE_RATE, sampleRate)
                .onConflict(RECORDINGS.CALL_ID).doNothing().execute();
    }

    /** Marks the recording closed and queues its transcription, in one transaction. */
    public void recordingClosed(String callId, long durationMs) {
        dsl.transaction(tx -> {
            tx.dsl().update(RECORDINGS).set(RECORDINGS.CLOSED, true).set(RECORDINGS.DURATION_MS, durationMs)
                    .where(RECORDINGS.CALL_ID.eq(callId)).execute();
            tx.dsl().insertInto(TRANSCRIPTION_JOBS).set(TRANSCRIPTION_JOBS.CALL_ID, callId).execute();
        });
    }

    /** Recordings a crash left open, with their paths. */
    public List<String[]> openRecordings() {
        return dsl.select(RECORDINGS.CALL_ID, RECORDINGS.PATH).from(RECORDINGS).where(RECORDINGS.CLOSED.isFalse())
                .fetch(r -> new String[]{r.value1(), r.value2()});
    }

    /**
     * Takes the oldest queued job (or one whose worker died: {@code running} for over 10 minutes) and marks it running.
     * {@code FOR UPDATE SKIP LOCKED} lets several workers on several nodes share the queue.
     */
    public Optional<TranscriptionJob> claim(int maxAttempts) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            var row = d.select(TRANSCRIPTION_JOBS.ID, TRANSCRIPTION_JOBS.CALL_ID, TRANSCRIPTION_JOBS.ATTEMPTS, RECORDINGS.PATH)
                    .from(TRANSCRIPTION_JOBS).join(RECORDINGS).on(RECORDINGS.CALL_ID.eq(TRANSCRIPTION_JOBS.CALL_ID))
                    .where(TRANSCRIPTION_JOBS.STATUS.eq("queued")
                            .or(TRANSCRIPTION_JOBS.STATUS.eq("running").and(TRANSCRIPTION_JOBS.UPDATED_AT.lt(DSL.field("now() - interval '10 minutes'", OffsetDateTime.class)))))
                    .and(TRANSCRIPTION_JOBS.ATTEMPTS.lt(maxAttempts))
                    .orderBy(TRANSCRIPTION_JOBS.ID).limit(1).forUpdate().of(TRANSCRIPTION_JOBS).skipLocked().fetchOptional();
            if (row.isEmpty()) return Optional.<TranscriptionJob>empty();
            var r = row.get();
            d.update(TRANSCRIPTION_JOBS).set(TRANSCRIPTION_JOBS.STATUS, "running")
                    .set(TRANSCRIPTION_JOBS.ATTEMPTS, TRANSCRIPTION_JOBS.ATTEMPTS.plus(1))
                    .set(TRANSCRIPTION_JOBS.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TRANSCRIPTION_JOBS.ID.eq(r.value1())).execute();
            return Optional.of(new TranscriptionJob(r.value1(), r.value2(), r.value4(), r.value3() + 1));
        });
    }

    /** Stores the transcript (segments, full text, search vector) and finishes the job, in one transaction. */
    public void complete(TranscriptionJob job, List<Segment> segments) {
        complete(job, segments, List.of(), null, null, 0);
    }

    /**
     * As above, with the QA outcome: hits, score (null when there are no rules), required categories never said,
     * and how many stretches were redacted. All in the same transaction as the transcript.
     */
    public void complete(TranscriptionJob job, List<Segment> segments, List<QaHitRow> hits, Integer score, String missing, int redactions) {
        String full = segments.stream().map(s -> s.channel() + ": " + s.text()).collect(Collectors.joining("\n"));
        dsl.transaction(tx -> {
            var d = tx.dsl();
            d.deleteFrom(TRANSCRIPT_SEGMENTS).where(TRANSCRIPT_SEGMENTS.CALL_ID.eq(job.callId())).execute();
            for (Segment s : segments) {
                d.insertInto(TRANSCRIPT_SEGMENTS).set(TRANSCRIPT_SEGMENTS.CALL_ID, job.callId()).set(TRANSCRIPT_SEGMENTS.CHANNEL, s.channel())
                        .set(TRANSCRIPT_SEGMENTS.START_MS, s.startMs()).set(TRANSCRIPT_SEGMENTS.END_MS, s.endMs())
                        .set(TRANSCRIPT_SEGMENTS.TEXT, s.text()).execute();
            }
            d.insertInto(TRANSCRIPTS).set(TRANSCRIPTS.CALL_ID, job.callId()).set(TRANSCRIPTS.FULL_TEXT, full)
                    .onConflict(TRANSCRIPTS.CALL_ID).doUpdate().set(TRANSCRIPTS.FULL_TEXT, full).execute();
            d.execute("update transcripts set search = to_tsvector('english', full_text) where call_id = ?", job.callId());
            d.deleteFrom(QA_HITS).where(QA_HITS.CALL_ID.eq(job.callId())).execute();
            for (QaHitRow h : hits) {
                d.insertInto(QA_HITS).set(QA_HITS.CALL_ID, job.callId()).set(QA_HITS.CATEGORY, h.category()).set(QA_HITS.CHANNEL, h.channel())
                        .set(QA_HITS.PHRASE, h.phrase()).set(QA_HITS.START_MS, h.startMs()).set(QA_HITS.END_MS, h.endMs()).execute();
            }
            d.update(CALLS).set(CALLS.QA_SCORE, score).set(CALLS.QA_MISSING, missing).set(CALLS.REDACTIONS, redactions)
                    .where(CALLS.ID.eq(job.callId())).execute();
            d.update(TRANSCRIPTION_JOBS).set(TRANSCRIPTION_JOBS.STATUS, "done").set(TRANSCRIPTION_JOBS.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TRANSCRIPTION_JOBS.ID.eq(job.id())).execute();
        });
    }

    public List<QaHitRow> qaHits(String callId) {
        return dsl.selectFrom(QA_HITS).where(QA_HITS.CALL_ID.eq(callId)).orderBy(QA_HITS.START_MS)
                .fetch(r -> new QaHitRow(r.getCategory(), r.getChannel(), r.getPhrase(), r.getStartMs(), r.getEndMs()));
    }

    /** The recording now lives at {@code location} (moved to its store after transcription). */
    public void recordingMoved(String callId, String location) {
        dsl.transaction(tx -> {
            tx.dsl().update(RECORDINGS).set(RECORDINGS.PATH, location).where(RECORDINGS.CALL_ID.eq(callId)).execute();
            tx.dsl().update(CALLS).set(CALLS.RECORDING_PATH, location).where(CALLS.ID.eq(callId)).execute();
        });
    }

    /**
     * How many calls of this call's agent, started the same UTC day, are already in the review queue; -1 when the
     * call has no agent.
     */
    public int sampledSameDayForAgentOf(String callId) {
        var c = dsl.select(CALLS.AGENT_ID, CALLS.STARTED_AT).from(CALLS).where(CALLS.ID.eq(callId)).fetchOne();
        if (c == null || c.value1() == null) return -1;
        var day = c.value2().withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDate().atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
        return dsl.fetchCount(CALLS, CALLS.AGENT_ID.eq(c.value1()).and(CALLS.SAMPLED_FOR_REVIEW.isTrue())
                .and(CALLS.STARTED_AT.ge(day)).and(CALLS.STARTED_AT.lt(day.plusDays(1))));
    }

    public void sampleForReview(String callId) {
        dsl.update(CALLS).set(CALLS.SAMPLED_FOR_REVIEW, true).where(CALLS.ID.eq(callId)).execute();
    }

    /** Recordings of calls that ended before {@code before} whose audio is still there: call id and path. */
    public List<String[]> expiredRecordings(java.time.Instant before, int limit) {
        return dsl.select(RECORDINGS.CALL_ID, RECORDINGS.PATH).from(RECORDINGS).join(CALLS).on(CALLS.ID.eq(RECORDINGS.CALL_ID))
                .where(CALLS.ENDED_AT.lt(odt(before))).and(RECORDINGS.AUDIO_DELETED_AT.isNull()).limit(limit)
                .fetch(r -> new String[]{r.value1(), r.value2()});
    }

    public void audioDeleted(String callId) {
        dsl.update(RECORDINGS).set(RECORDINGS.AUDIO_DELETED_AT, DSL.currentOffsetDateTime()).where(RECORDINGS.CALL_ID.eq(callId)).execute();
    }

    public void review(String callId, String reviewer, int score, String comment) {
        dsl.insertInto(QA_REVIEWS).set(QA_REVIEWS.CALL_ID, callId).set(QA_REVIEWS.REVIEWER, reviewer).set(QA_REVIEWS.SCORE, score)
                .set(QA_REVIEWS.COMMENT, comment == null || comment.isBlank() ? null : comment.length() > 2000 ? comment.substring(0, 2000) : comment)
                .execute();
    }

    public List<QaReview> reviews(String callId) {
        return dsl.selectFrom(QA_REVIEWS).where(QA_REVIEWS.CALL_ID.eq(callId)).orderBy(QA_REVIEWS.AT)
                .fetch(r -> new QaReview(r.getReviewer(), r.getScore(), r.getComment(), r.getAt().toInstant()));
    }

    /** The call's QA score, or null if none was computed. */
    public Integer qaScore(String callId) {
        return dsl.select(CALLS.QA_SCORE).from(CALLS).where(CALLS.ID.eq(callId)).fetchOne(CALLS.QA_SCORE);
    }

    /**
     * When the agent's part of the call began, in ms into the recording (which starts at the answer): the first
     * {@code agent_answered} timeline event. Null if no agent answered.
     */
    public Long agentJoinedMs(String callId) {
        var r = dsl.fetchOne("select extract(epoch from (min(e.at) - c.answered_at)) * 1000 from call_events e join calls c on c.id = e.call_id "
                + "where e.call_id = ? and e.type = 'agent_answered' group by c.answered_at", callId);
        if (r == null || r.get(0) == null) return null;
        return Math.round(((Number) r.get(0)).doubleValue());
    }

    /** Records a failure; the job is retried until {@code maxAttempts}, then left {@code failed}. */
    public void fail(TranscriptionJob job, String error, int maxAttempts) {
        dsl.update(TRANSCRIPTION_JOBS).set(TRANSCRIPTION_JOBS.STATUS, job.attempts() >= maxAttempts ? "failed" : "queued")
                .set(TRANSCRIPTION_JOBS.LAST_ERROR, error.length() > 2000 ? error.substring(0, 2000) : error)
                .set(TRANSCRIPTION_JOBS.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TRANSCRIPTION_JOBS.ID.eq(job.id())).execute();
    }

    public int queuedJobs() {
        return dsl.fetchCount(TRANSCRIPTION_JOBS, TRANSCRIPTION_JOBS.STATUS.in("queued", "running"));
    }

    public List<Segment> segments(String callId) {
        return dsl.selectFrom(TRANSCRIPT_SEGMENTS).where(TRANSCRIPT_SEGMENTS.CALL_ID.eq(callId))
                .orderBy(TRANSCRIPT_SEGMENTS.START_MS, TRANSCRIPT_SEGMENTS.ID)
                .fetch(r -> new Segment(r.getChannel(), r.getStartMs(), r.getEndMs(), r.getText()));
    }

    public Optional<String> fullText(String callId) {
        return dsl.select(TRANSCRIPTS.FULL_TEXT).from(TRANSCRIPTS).where(TRANSCRIPTS.CALL_ID.eq(callId)).fetchOptional(TRANSCRIPTS.FULL_TEXT);
    }

    static OffsetDateTime odt(java.time.Instant i) { return i.atOffset(ZoneOffset.UTC); }
}
