package foresight.db.call;

import foresight.db.JsonText;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static foresight.db.schema.Tables.AGENTS;
import static foresight.db.schema.Tables.CALLS;
import static foresight.db.schema.Tables.QA_HITS;
import static foresight.db.schema.Tables.CALL_EVENTS;
import static foresight.db.schema.Tables.TRANSCRIPTS;

/** The calls table and each call's timeline. Thread-safe; every method is one short transaction. */
public final class CallRepository {
    private final DSLContext dsl;

    public CallRepository(DSLContext dsl) { this.dsl = dsl; }

    public void create(String id, String sipCallId, String caller, Long customerId, Instant startedAt) {
        dsl.insertInto(CALLS).set(CALLS.ID, id).set(CALLS.SIP_CALL_ID, sipCallId).set(CALLS.CALLER, caller)
                .set(CALLS.CUSTOMER_ID, customerId).set(CALLS.STARTED_AT, odt(startedAt)).execute();
    }

    public void customer(String id, long customerId) {
        dsl.update(CALLS).set(CALLS.CUSTOMER_ID, customerId).where(CALLS.ID.eq(id)).execute();
    }

    public void answered(String id, Instant at) {
        dsl.update(CALLS).set(CALLS.ANSWERED_AT, odt(at)).where(CALLS.ID.eq(id)).execute();
    }

    public void flow(String id, String flowName, String flowVersion) {
        dsl.update(CALLS).set(CALLS.FLOW_NAME, flowName).set(CALLS.FLOW_VERSION, flowVersion).where(CALLS.ID.eq(id)).execute();
    }

    public void prediction(String id, String reason, double confidence, String phrase) {
        dsl.update(CALLS).set(CALLS.PREDICTED_REASON, reason).set(CALLS.PREDICTION_CONFIDENCE, confidence)
                .set(CALLS.PREDICTION_PHRASE, phrase).where(CALLS.ID.eq(id)).execute();
    }

    public void confirmation(String id, boolean confirmed, String confirmedReason) {
        dsl.update(CALLS).set(CALLS.CONFIRMED, confirmed).set(CALLS.CONFIRMED_REASON, confirmedReason)
                .where(CALLS.ID.eq(id)).execute();
    }

    public void reason(String id, String reason, String callerSaid) {
        dsl.update(CALLS).set(CALLS.CONFIRMED_REASON, reason).set(CALLS.CALLER_SAID, truncate(callerSaid, 1000))
                .where(CALLS.ID.eq(id)).execute();
    }

    public void queued(String id, String queue) {
        dsl.update(CALLS).set(CALLS.QUEUE, queue).where(CALLS.ID.eq(id)).execute();
    }

    public void agent(String id, long agentId) {
        dsl.update(CALLS).set(CALLS.AGENT_ID, agentId).where(CALLS.ID.eq(id)).execute();
    }

    public void recordingPath(String id, String path) {
        dsl.update(CALLS).set(CALLS.RECORDING_PATH, path).where(CALLS.ID.eq(id)).execute();
    }

    /** Stores the caller leg's media quality: packets received and lost, jitter and estimated MOS. */
    public void mediaQuality(String id, long received, long lost, double jitterMs, double mos) {
        dsl.update(CALLS).set(CALLS.RTP_RECEIVED, received).set(CALLS.RTP_LOST, lost).set(CALLS.JITTER_MS, jitterMs).set(CALLS.MOS, mos)
                .where(CALLS.ID.eq(id)).execute();
    }

    /**
     * Stores what the caller's phone said about our audio in its last RTCP report: packets it lost, the jitter it saw,
     * and the round-trip time (null when unknown).
     */
    public void peerReport(String id, long peerLost, double peerJitterMs, Double rttMs) {
        dsl.update(CALLS).set(CALLS.PEER_LOST, peerLost).set(CALLS.PEER_JITTER_MS, peerJitterMs).set(CALLS.RTT_MS, rttMs)
                .where(CALLS.ID.eq(id)).execute();
    }

    /** Marks the call ended; {@code status} is {@code completed} or {@code failed}. */
    public void ended(String id, Instant at, String status, String disposition) {
        dsl.update(CALLS).set(CALLS.ENDED_AT, odt(at)).set(CALLS.STATUS, status).set(CALLS.DISPOSITION, disposition)
                .where(CALLS.ID.eq(id)).execute();
    }

    /** Calls a crash left active: marked failed at start-up. Returns their ids. */
    public List<String> failActiveCalls(Instant at) {
        return dsl.update(CALLS).set(CALLS.STATUS, "failed").set(CALLS.DISPOSITION, "node_restart").set(CALLS.ENDED_AT, odt(at))
                .where(CALLS.STATUS.eq("active")).returning(CALLS.ID).fetch(CALLS.ID);
    }

    public void event(String callId, String type, Map<String, ?> detail) {
        dsl.insertInto(CALL_EVENTS).set(CALL_EVENTS.CALL_ID, callId).set(CALL_EVENTS.TYPE, type)
                .set(CALL_EVENTS.DETAIL, JSONB.valueOf(JsonText.write(detail))).execute();
    }

    /** An event that happened at {@code at} (written later, off the caller's thread: its time is when it happened, not when it was written). */
    public void event(String callId, String type, Map<String, ?> detail, Instant at) {
        dsl.insertInto(CALL_EVENTS).set(CALL_EVENTS.CALL_ID, callId).set(CALL_EVENTS.TYPE, type)
                .set(CALL_EVENTS.DETAIL, JSONB.valueOf(JsonText.write(detail))).set(CALL_EVENTS.AT, odt(at)).execute();
    }

    /**
     * The agent's wrap-up of a call: how it ended and what it was really about. A corrected reason overrides the
     * caller's confirmation as the call's label for the issue predictor (see {@link #labelledCalls}).
     */
    public void wrapUp(String id, String disposition, String correctedReason, String notes, Instant at) {
        dsl.update(CALLS).set(CALLS.WRAP_DISPOSITION, disposition).set(CALLS.CORRECTED_REASON, correctedReason)
                .set(CALLS.WRAP_NOTES, notes).set(CALLS.WRAPPED_AT, odt(at)).where(CALLS.ID.eq(id)).execute();
    }

    /** The agent's wrap-up as stored: disposition, corrected reason, notes; empty if none yet. */
    public Optional<WrapUp> wrapUpOf(String id) {
        return dsl.select(CALLS.WRAP_DISPOSITION, CALLS.CORRECTED_REASON, CALLS.WRAP_NOTES).from(CALLS).where(CALLS.ID.eq(id))
                .and(CALLS.WRAPPED_AT.isNotNull()).fetchOptional(r -> new WrapUp(r.value1(), r.value2(), r.value3()));
    }

    /** A finished call whose reason is known (the agent's correction first, else the caller's confirmation): the predictor's training data. */
    public record LabelledCall(long customerId, Instant startedAt, String reason) {}

    /** Calls of known customers with a known reason, oldest first, at most {@code limit} (the newest ones). */
    public List<LabelledCall> labelledCalls(int limit) {
        var reason = DSL.coalesce(CALLS.CORRECTED_REASON, CALLS.CONFIRMED_REASON);
        var rows = dsl.select(CALLS.CUSTOMER_ID, CALLS.STARTED_AT, reason).from(CALLS)
                .where(reason.isNotNull()).and(CALLS.CUSTOMER_ID.isNotNull())
                .orderBy(CALLS.STARTED_AT.desc()).limit(limit)
                .fetch(r -> new LabelledCall(r.value1(), instant(r.value2()), r.value3()));
        return rows.reversed();
    }

    /** The customer's earlier calls with a known reason, oldest first, started before {@code before}. */
    public List<LabelledCall> pastCalls(long customerId, Instant before, int limit) {
        var reason = DSL.coalesce(CALLS.CORRECTED_REASON, CALLS.CONFIRMED_REASON);
        return dsl.select(CALLS.CUSTOMER_ID, CALLS.STARTED_AT, reason).from(CALLS)
                .where(CALLS.CUSTOMER_ID.eq(customerId)).and(reason.isNotNull()).and(CALLS.STARTED_AT.lt(odt(before)))
                .orderBy(CALLS.STARTED_AT.desc()).limit(limit)
                .fetch(r -> new LabelledCall(r.value1(), instant(r.value2()), r.value3())).reversed();
    }

    /** Start times of calls since {@code from}: the history arrival forecasts learn from. */
    public List<Instant> startsSince(Instant from) {
        return dsl.select(CALLS.STARTED_AT).from(CALLS).where(CALLS.STARTED_AT.ge(odt(from))).fetch(r -> r.value1().toInstant());
    }

    public List<String> eventTypes(String callId) {
        return dsl.select(CALL_EVENTS.TYPE).from(CALL_EVENTS).where(CALL_EVENTS.CALL_ID.eq(callId))
                .orderBy(CALL_EVENTS.ID).fetch(CALL_EVENTS.TYPE);
    }

    /** The call's journey in order. */
    public List<CallEvent> events(String callId) {
        return dsl.select(CALL_EVENTS.TYPE, CALL_EVENTS.AT, CALL_EVENTS.DETAIL).from(CALL_EVENTS).where(CALL_EVENTS.CALL_ID.eq(callId))
                .orderBy(CALL_EVENTS.ID).fetch(r -> new CallEvent(r.value1(), r.value2().toInstant(), r.value3() == null ? "{}" : r.value3().data()));
    }

    public Optional<CallSummary> find(String id) {
        return baseQuery(DSL.inline((String) null)).where(CALLS.ID.eq(id)).fetchOptional(CallRepository::summary);
    }

    /**
     * Newest calls first. With a non-blank {@code query}, only calls whose transcript matches it
     * (PostgreSQL full-text search, English stemming), each with a highlighted snippet.
     */
    public List<CallSummary> search(String query, int limit) { return search(query, CallFilter.NONE, limit); }

    /**
     * Newest first. With a query: PostgreSQL full-text search over the transcripts ({@code websearch_to_tsquery}:
     * words, "phrases", -not), each hit with a {@code ts_headline} snippet marking matches as {@code <<word>>}.
     */
    public List<CallSummary> search(String query, CallFilter f, int limit) {
        Condition where = DSL.trueCondition();
        if (f.from() != null) where = where.and(CALLS.STARTED_AT.ge(odt(f.from())));
        if (f.to() != null) where = where.and(CALLS.STARTED_AT.lt(odt(f.to())));
        if (f.queue() != null) where = where.and(CALLS.QUEUE.eq(f.queue()));
        if (f.agent() != null) where = where.and(AGENTS.USERNAME.eq(f.agent()));
        if (f.reason() != null) where = where.and(CALLS.PREDICTED_REASON.eq(f.reason()).or(CALLS.CONFIRMED_REASON.eq(f.reason())));
        if (f.category() != null) {
            where = where.and(DSL.exists(DSL.selectOne().from(QA_HITS).where(QA_HITS.CALL_ID.eq(CALLS.ID)).and(QA_HITS.CATEGORY.eq(f.category()))));
        }
        var seconds = DSL.field("extract(epoch from ({0} - {1}))", Double.class, CALLS.ENDED_AT, CALLS.STARTED_AT);
        if (f.minDurationSeconds() != null) where = where.and(seconds.ge(f.minDurationSeconds().doubleValue()));
        if (f.maxDurationSeconds() != null) where = where.and(seconds.le(f.maxDurationSeconds().doubleValue()));
        if (f.minScore() != null) where = where.and(CALLS.QA_SCORE.ge(f.minScore()));
        if (f.maxScore() != null) where = where.and(CALLS.QA_SCORE.le(f.maxScore()));
        if (f.sampledOnly()) where = where.and(CALLS.SAMPLED_FOR_REVIEW.isTrue());
        if (query == null || query.isBlank()) {
            return baseQuery(DSL.inline((String) null)).where(where).orderBy(CALLS.STARTED_AT.desc()).limit(limit).fetch(CallRepository::summary);
        }
        var tsQuery = DSL.field("websearch_to_tsquery('english', {0})", Object.class, DSL.val(query));
        var snippet = DSL.field("ts_headline('english', {0}, {1}, 'StartSel=<<,StopSel=>>,MaxWords=20,MinWords=5')",
                String.class, TRANSCRIPTS.FULL_TEXT, tsQuery);
        return baseQuery(snippet)
                .where(DSL.condition("{0} @@ {1}", DSL.field(DSL.name("transcripts", "search")), tsQuery)).and(where)
                .orderBy(CALLS.STARTED_AT.desc()).limit(limit).fetch(CallRepository::summary);
    }

    private org.jooq.SelectOnConditionStep<Record> baseQuery(org.jooq.Field<String> snippet) {
        return dsl.select(CALLS.asterisk()).select(AGENTS.USERNAME, snippet.as("snippet"))
                .from(CALLS).leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                .leftJoin(TRANSCRIPTS).on(TRANSCRIPTS.CALL_ID.eq(CALLS.ID));
    }

    private static CallSummary summary(Record r) {
        return new CallSummary(r.get(CALLS.ID), r.get(CALLS.CALLER), r.get(CALLS.CUSTOMER_ID), instant(r.get(CALLS.STARTED_AT)),
                instant(r.get(CALLS.ENDED_AT)), r.get(CALLS.FLOW_NAME), r.get(CALLS.FLOW_VERSION), r.get(CALLS.PREDICTED_REASON),
                r.get(CALLS.PREDICTION_CONFIDENCE), r.get(CALLS.CONFIRMED), r.get(CALLS.CONFIRMED_REASON), r.get(CALLS.CALLER_SAID),
                r.get(CALLS.QUEUE), r.get(AGENTS.USERNAME), r.get(CALLS.STATUS), r.get(CALLS.RECORDING_PATH),
                r.get("snippet", String.class), r.get(CALLS.RTP_RECEIVED), r.get(CALLS.RTP_LOST), r.get(CALLS.JITTER_MS), r.get(CALLS.MOS),
                r.get(CALLS.PEER_LOST), r.get(CALLS.PEER_JITTER_MS), r.get(CALLS.RTT_MS), r.get(CALLS.QA_SCORE), r.get(CALLS.REDACTIONS));
    }

    private static String truncate(String s, int max) { return s == null || s.length() <= max ? s : s.substring(0, max); }

    private static OffsetDateTime odt(Instant i) { return i == null ? null : i.atOffset(ZoneOffset.UTC); }

    private static Instant instant(OffsetDateTime t) { return t == null ? null : t.toInstant(); }
}
