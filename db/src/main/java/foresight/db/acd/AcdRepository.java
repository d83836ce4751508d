package foresight.db.acd;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static foresight.db.schema.Tables.ACD_OFFERS;
import static foresight.db.schema.Tables.CALLBACKS;
import static foresight.db.schema.Tables.QUEUE_ENTRIES;

/** What the ACD decided: queue entries, offers to agents, callbacks. Thread-safe. */
public final class AcdRepository {
    private final DSLContext dsl;

    public AcdRepository(DSLContext dsl) { this.dsl = dsl; }

    private static OffsetDateTime t(Instant i) { return i.atOffset(ZoneOffset.UTC); }

    public void enqueued(String callId, String queue, String tier, int priority, Instant at) {
        dsl.insertInto(QUEUE_ENTRIES).set(QUEUE_ENTRIES.CALL_ID, callId).set(QUEUE_ENTRIES.QUEUE, queue).set(QUEUE_ENTRIES.TIER, tier)
                .set(QUEUE_ENTRIES.PRIORITY, priority).set(QUEUE_ENTRIES.ENTERED_AT, t(at)).execute();
    }

    /** The caller's open entry in {@code queue} was answered by the agent after waiting {@code waitMs}. */
    public void answered(String callId, String queue, long agentId, long waitMs, Instant at) {
        dsl.update(QUEUE_ENTRIES).set(QUEUE_ENTRIES.ANSWERED_AT, t(at)).set(QUEUE_ENTRIES.AGENT_ID, agentId).set(QUEUE_ENTRIES.WAIT_MS, waitMs)
                .where(QUEUE_ENTRIES.CALL_ID.eq(callId)).and(QUEUE_ENTRIES.QUEUE.eq(queue)).and(QUEUE_ENTRIES.LEFT_AT.isNull()).execute();
        dsl.update(ACD_OFFERS).set(ACD_OFFERS.RESULT, "answered").set(ACD_OFFERS.ENDED_AT, t(at))
                .where(ACD_OFFERS.CALL_ID.eq(callId)).and(ACD_OFFERS.AGENT_ID.eq(agentId)).and(ACD_OFFERS.RESULT.isNull()).execute();
        dsl.update(ACD_OFFERS).set(ACD_OFFERS.RESULT, "answered_elsewhere").set(ACD_OFFERS.ENDED_AT, t(at))
                .where(ACD_OFFERS.CALL_ID.eq(callId)).and(ACD_OFFERS.RESULT.isNull()).execute();
    }

    /** The caller's open entry ended: answered (talk over), abandoned, timeout, transferred, callback_failed. Wait is kept from the answer. */
    public void left(String callId, String queue, String outcome, long waitMs, boolean callback, Instant at) {
        dsl.update(QUEUE_ENTRIES).set(QUEUE_ENTRIES.LEFT_AT, t(at)).set(QUEUE_ENTRIES.OUTCOME, outcome).set(QUEUE_ENTRIES.CALLBACK, callback)
                .set(QUEUE_ENTRIES.WAIT_MS, DSL.coalesce(QUEUE_ENTRIES.WAIT_MS, DSL.val(waitMs)))
                .where(QUEUE_ENTRIES.CALL_ID.eq(callId)).and(QUEUE_ENTRIES.QUEUE.eq(queue)).and(QUEUE_ENTRIES.LEFT_AT.isNull()).execute();
        dsl.update(ACD_OFFERS).set(ACD_OFFERS.RESULT, "caller_gone").set(ACD_OFFERS.ENDED_AT, t(at))
                .where(ACD_OFFERS.CALL_ID.eq(callId)).and(ACD_OFFERS.RESULT.isNull()).execute();
    }

    public void offered(String callId, String queue, long agentId, Instant at) {
        dsl.insertInto(ACD_OFFERS).set(ACD_OFFERS.CALL_ID, callId).set(ACD_OFFERS.QUEUE, queue).set(ACD_OFFERS.AGENT_ID, agentId)
                .set(ACD_OFFERS.OFFERED_AT, t(at)).execute();
    }

    public void offerFailed(String callId, List<Long> agentIds, String result, Instant at) {
        dsl.update(ACD_OFFERS).set(ACD_OFFERS.RESULT, result).set(ACD_OFFERS.ENDED_AT, t(at))
                .where(ACD_OFFERS.CALL_ID.eq(callId)).and(ACD_OFFERS.AGENT_ID.in(agentIds)).and(ACD_OFFERS.RESULT.isNull()).execute();
    }

    public void callback(String callId, String queue, String number, String status, int attempts, String reason, Instant at) {
        dsl.insertInto(CALLBACKS).set(CALLBACKS.CALL_ID, callId).set(CALLBACKS.QUEUE, queue).set(CALLBACKS.NUMBER, number)
                .set(CALLBACKS.REQUESTED_AT, t(at)).set(CALLBACKS.ATTEMPTS, attempts).set(CALLBACKS.STATUS, status)
                .set(CALLBACKS.LAST_REASON, reason).set(CALLBACKS.UPDATED_AT, t(at))
                .onConflict(CALLBACKS.CALL_ID).doUpdate()
                .set(CALLBACKS.ATTEMPTS, DSL.greatest(CALLBACKS.ATTEMPTS, DSL.val(attempts)))
                .set(CALLBACKS.STATUS, status).set(CALLBACKS.LAST_REASON, reason).set(CALLBACKS.UPDATED_AT, t(at)).execute();
    }

    /** A stored callback: for the API and tests. */
    public record Callback(String callId, String queue, String number, int attempts, String status, String lastReason) {}

    public List<Callback> callbacks(int limit) {
        return dsl.selectFrom(CALLBACKS).orderBy(CALLBACKS.UPDATED_AT.desc()).limit(limit)
                .fetch(r -> new Callback(r.getCallId(), r.getQueue(), r.getNumber(), r.getAttempts(), r.getStatus(), r.getLastReason()));
    }

    /** A stored queue entry: for the API, reports and tests. */
    public record QueueEntry(String callId, String queue, String tier, Instant enteredAt, Instant answeredAt, Instant leftAt,
                             String outcome, Long waitMs, Long agentId, boolean callback) {}

    public List<QueueEntry> entries(String callId) {
        return dsl.selectFrom(QUEUE_ENTRIES).where(QUEUE_ENTRIES.CALL_ID.eq(callId)).orderBy(QUEUE_ENTRIES.ID)
                .fetch(r -> new QueueEntry(r.getCallId(), r.getQueue(), r.getTier(), r.getEnteredAt().toInstant(),
                        r.getAnsweredAt() == null ? null : r.getAnsweredAt().toInstant(), r.getLeftAt() == null ? null : r.getLeftAt().toInstant(),
                        r.getOutcome(), r.getWaitMs(), r.getAgentId(), r.getCallback()));
    }

    /** Offers made for a call, in order: agent id and result. */
    public record OfferRow(long agentId, String queue, String result) {}

    public List<OfferRow> offers(String callId) {
        return dsl.selectFrom(ACD_OFFERS).where(ACD_OFFERS.CALL_ID.eq(callId)).orderBy(ACD_OFFERS.ID)
                .fetch(r -> new OfferRow(r.getAgentId(), r.getQueue(), r.getResult()));
    }
}
