package foresight.db.transcript;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static foresight.db.schema.Tables.CALLS;
import static foresight.db.schema.Tables.CALL_EVENTS;
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
    public List<RecordingRef> openRecordings() {
        return dsl.select(RECORDINGS.CALL_ID, RECORDINGS.PATH).from(RECORDINGS).where(RECORDINGS.CLOSED.isFalse())
                .fetch(r -> new RecordingRef(r.value1(), r.value2()));
    }

    /** Takes the oldest queued job under a 10-minute lease held by "local" (see {@link #claim(String, java.time.Duration, int, boolean)}). */
    public Optional<TranscriptionJob> claim(int maxAttempts) {
        return claim("local", java.time.Duration.ofMinutes(10), maxAttempts, false);
    }

    /**
     * Takes the oldest queued job, or one whose lease ran out (its worker died or hung), for {@code workerId} until
     * now + {@code lease}; each take counts as an attempt and bumps the job's lease epoch. Jobs whose lease ran out
     * on their last allowed attempt are failed first, with the reason stored. {@code FOR UPDATE SKIP LOCKED} lets
     * several workers on several nodes share the queue. With {@code archivedOnly}, only jobs whose recording is
     * already in an object store ({@code s3://}) are taken: a worker on another machine cannot read a node's disk.
     */
    public Optional<TranscriptionJob> claim(String workerId, java.time.Duration lease, int maxAttempts, boolean archivedOnly) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            d.execute("update transcription_jobs set status = 'failed', last_error = 'lease expired: worker ' || coalesce(locked_by, '?') "
                    + "|| ' stopped during attempt ' || attempts || ' of ' || cast(? as int), locked_by = null, lease_until = null, updated_at = now() "
                    + "where status = 'running' and lease_until < now() and attempts >= ?", maxAttempts, maxAttempts);
            var row = d.fetchOne("select j.id, j.call_id, j.attempts, r.path from transcription_jobs j join recordings r on r.call_id = j.call_id "
                    + "where (j.status = 'queued' or (j.status = 'running' and (j.lease_until < now() "
                    + "or (j.lease_until is null and j.updated_at < now() - interval '10 minutes')))) and j.attempts < ? "
                    + (archivedOnly ? "and r.path like 's3://%' " : "")
                    + "order by j.id limit 1 for update of j skip locked", maxAttempts);
            if (row == null) return Optional.<TranscriptionJob>empty();
            long id = ((Number) row.get(0)).longValue();
            Long epoch = d.fetchOne("update transcription_jobs set status = 'running', attempts = attempts + 1, locked_by = ?, "
                        + "lease_until = now() + make_interval(secs => ?), lease_epoch = lease_epoch + 1, updated_at = now() where id = ? returning lease_epoch",
                        workerId, (double) lease.toMillis() / 1000.0, id).get(0, Long.class);
            return Optional.of(new TranscriptionJob(id, (String) row.get(1), (String) row.get(3), ((Number) row.get(2)).intValue() + 1, workerId, epoch));
        });
    }

    /** Extends the job's lease to now + {@code lease}; false if this take no longer holds it (expired and retaken, or released). */
    public boolean renew(TranscriptionJob job, java.time.Duration lease) {
        return dsl.execute("update transcription_jobs set lease_until = now() + make_interval(secs => ?) "
                + "where id = ? and status = 'running' and locked_by = ? and lease_epoch = ?",
                (double) lease.toMillis() / 1000.0, job.id(), job.lockedBy(), job.leaseEpoch()) == 1;
    }

    /** Gives the job back (a worker stopping): queued again, the attempt not counted; false if this take no longer holds it. */
    public boolean release(TranscriptionJob job) {
        return dsl.execute("update transcription_jobs set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, "
                + "lease_until = null, updated_at = now() where id = ? and status = 'running' and locked_by = ? and lease_epoch = ?",
                job.id(), job.lockedBy(), job.leaseEpoch()) == 1;
    }

    /** Locks the job's row if this take still holds it (in the caller's transaction); a job without a lease (tests) always holds. */
    private static boolean holds(DSLContext d, TranscriptionJob job) {
        if (job.lockedBy() == null) return true;
        return d.fetchOne("select id from transcription_jobs where id = ? and status = 'running' and locked_by = ? and lease_epoch = ? for update",
                job.id(), job.lockedBy(), job.leaseEpoch()) != null;
    }

    /** Jobs waiting for a worker. */
    public int backlog() {
        return dsl.fetchCount(TRANSCRIPTION_JOBS, TRANSCRIPTION_JOBS.STATUS.eq("queued"));
    }

    /** Age in seconds of the oldest queued job; 0 when none waits. */
    public double lagSeconds() {
        var r = dsl.fetchOne("select coalesce(extract(epoch from now() - min(created_at)), 0) from transcription_jobs where status = 'queued'");
        return r == null || r.get(0) == null ? 0 : ((Number) r.get(0)).doubleValue();
    }

    /** The job's status, attempts and last error (for tests and tools). */
    public Optional<JobState> jobState(String callId) {
        return dsl.select(TRANSCRIPTION_JOBS.STATUS, TRANSCRIPTION_JOBS.ATTEMPTS, TRANSCRIPTION_JOBS.LAST_ERROR).from(TRANSCRIPTION_JOBS)
                .where(TRANSCRIPTION_JOBS.CALL_ID.eq(callId)).orderBy(TRANSCRIPTION_JOBS.ID.desc()).limit(1)
                .fetchOptional(r -> new JobState(r.value1(), r.value2(), r.value3()));
    }

    /** Stores the transcript (segments, full text, search vector) and finishes the job, in one transaction. */
    public boolean complete(TranscriptionJob job, List<Segment> segments) {
        return complete(job, segments, List.of(), null, null, 0);
    }

    /**
     * As above, with the QA outcome: hits, score (null when there are no rules), required categories never said,
     * and how many stretches were redacted. All in the same transaction as the transcript, and only if this take of
     * the job still holds its lease (same worker, same epoch): false, and nothing written, if it does not.
     */
    public boolean complete(TranscriptionJob job, List<Segment> segments, List<QaHitRow> hits, Integer score, String missing, int redactions) {
        String full = segments.stream().map(s -> s.channel() + ": " + s.text()).collect(Collectors.joining("\n"));
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (!holds(d, job)) return false;
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
            d.execute("update transcription_jobs set status = 'done', locked_by = null, lease_until = null, updated_at = now() where id = ?", job.id());
            return true;
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
    public List<RecordingRef> expiredRecordings(java.time.Instant before, int limit) {
        return dsl.select(RECORDINGS.CALL_ID, RECORDINGS.PATH).from(RECORDINGS).join(CALLS).on(CALLS.ID.eq(RECORDINGS.CALL_ID))
                .where(CALLS.ENDED_AT.lt(odt(before))).and(RECORDINGS.AUDIO_DELETED_AT.isNull()).limit(limit)
                .fetch(r -> new RecordingRef(r.value1(), r.value2()));
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

    /** The sentences the IVR said during the call, in the order they were played (timeline events {@code prompt}). */
    public List<PlayedPrompt> playedPrompts(String callId) {
        return dsl.select(CALL_EVENTS.DETAIL).from(CALL_EVENTS).where(CALL_EVENTS.CALL_ID.eq(callId)).and(CALL_EVENTS.TYPE.eq(PlayedPrompt.EVENT))
                .orderBy(CALL_EVENTS.ID).fetch(r -> PlayedPrompt.fromDetail(foresight.db.JsonText.readObject(r.value1() == null ? null : r.value1().data())));
    }

    /**
     * Records a failure; the job is retried until {@code maxAttempts}, then left {@code failed}. Fenced like
     * {@link #complete}: false, and nothing written, if this take no longer holds the job.
     */
    public boolean fail(TranscriptionJob job, String error, int maxAttempts) {
        String e = error.length() > 2000 ? error.substring(0, 2000) : error;
        String status = job.attempts() >= maxAttempts ? "failed" : "queued";
        String sql = "update transcription_jobs set status = ?, last_error = ?, locked_by = null, lease_until = null, updated_at = now() where id = ?";
        if (job.lockedBy() == null) return dsl.execute(sql, status, e, job.id()) == 1;
        return dsl.execute(sql + " and status = 'running' and locked_by = ? and lease_epoch = ?", status, e, job.id(), job.lockedBy(), job.leaseEpoch()) == 1;
    }

    /** Closed recordings still on this node's disk whose transcription waits (to upload before a remote worker takes them). */
    public List<RecordingRef> queuedLocalRecordings(int limit) {
        return dsl.fetch("select r.call_id, r.path from recordings r join transcription_jobs j on j.call_id = r.call_id "
                + "where r.closed and j.status = 'queued' and r.path not like 's3://%' and r.audio_deleted_at is null order by j.id limit ?", limit)
                .map(r -> new RecordingRef((String) r.get(0), (String) r.get(1)));
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
