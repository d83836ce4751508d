package foresight.db.call;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static foresight.db.schema.Tables.CALLS;
import static foresight.db.schema.Tables.CALL_EVENTS;

/** How callers moved through a flow: every {@code node} event of the calls that ran it in a time window. Thread-safe. */
public final class FlowTrafficRepository {
    /** One arrival of a call at a node, with how the call ended ({@code endedAt} null while it is live). */
    public record NodeVisit(String callId, String node, Instant at, String status, String disposition, Instant endedAt) {}

    private final DSLContext dsl;

    public FlowTrafficRepository(DSLContext dsl) { this.dsl = dsl; }

    /** The node visits of calls of {@code flow} that started in [from, to), per call in the order they happened. */
    public List<NodeVisit> visits(String flow, Instant from, Instant to) {
        var node = DSL.field("{0} ->> 'node'", String.class, CALL_EVENTS.DETAIL);
        return dsl.select(CALL_EVENTS.CALL_ID, node, CALL_EVENTS.AT, CALLS.STATUS, CALLS.DISPOSITION, CALLS.ENDED_AT)
                .from(CALL_EVENTS).join(CALLS).on(CALLS.ID.eq(CALL_EVENTS.CALL_ID))
                .where(CALLS.FLOW_NAME.eq(flow)).and(CALLS.STARTED_AT.ge(odt(from))).and(CALLS.STARTED_AT.lt(odt(to)))
                .and(CALL_EVENTS.TYPE.eq("node"))
                .orderBy(CALL_EVENTS.CALL_ID, CALL_EVENTS.ID)
                .fetch(r -> new NodeVisit(r.value1(), r.value2(), r.value3().toInstant(), r.value4(), r.value5(),
                        r.value6() == null ? null : r.value6().toInstant()));
    }

    private static OffsetDateTime odt(Instant i) { return i.atOffset(ZoneOffset.UTC); }
}
