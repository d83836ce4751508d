package foresight.acd;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something the ACD decided or saw, in the order it happened. Wallboards, CRMs (server-sent events) and the store
 * that writes queue entries and offers to PostgreSQL all follow this one stream.
 *
 * <p>Each variant is typed; {@link #type()} and {@link #detail()} are its wire form (the event name and the JSON
 * fields the stream and the store use), derived from the variant and never parsed back by the ACD.
 */
public sealed interface AcdEvent {
    Instant at();

    /** The queue, or for agent-state events the queue of the agent's current or last call (may be null). */
    String queue();

    /** The caller's call id, or for agent-state events the agent's current or last call (may be null). */
    String callId();

    /** The agent's username, or null. */
    String agent();

    /** The wire name: {@code enqueue}, {@code offer}, {@code answer}, {@code offer_failed}, {@code abandon}, {@code dequeue}, {@code agent_state}, {@code callback}. */
    String type();

    /** The wire fields (null values left out), in a stable order. */
    Map<String, Object> detail();

    /** A caller joined a queue (or was put back as a callback after the max wait). */
    record Enqueued(Instant at, String queue, String callId, int position, String tier, int priority, boolean callback) implements AcdEvent {
        public String agent() { return null; }
        public String type() { return "enqueue"; }
        public Map<String, Object> detail() { return fields("position", position, "tier", tier, "priority", priority, "callback", callback ? true : null); }
    }

    /** An agent's phones ring for a caller (one event per agent offered). */
    record Offered(Instant at, String queue, String callId, String agent, long agentId, int devices, long waitMs, String strategy, boolean callback) implements AcdEvent {
        public String type() { return "offer"; }
        public Map<String, Object> detail() { return fields("agent_id", agentId, "devices", devices, "wait_ms", waitMs, "strategy", strategy, "callback", callback); }
    }

    /** An agent answered a caller. */
    record Answered(Instant at, String queue, String callId, String agent, long waitMs, boolean callback, long agentId) implements AcdEvent {
        public String type() { return "answer"; }
        public Map<String, Object> detail() { return fields("wait_ms", waitMs, "callback", callback, "agent_id", agentId); }
    }

    /** Nobody of those offered answered ({@code reason}: the bridge's failure). */
    record OfferFailed(Instant at, String queue, String callId, List<String> agents, List<Long> agentIds, String reason) implements AcdEvent {
        public OfferFailed { agents = List.copyOf(agents); agentIds = List.copyOf(agentIds); }
        public String agent() { return null; }
        public String type() { return "offer_failed"; }
        public Map<String, Object> detail() { return fields("agents", agents, "agent_ids", agentIds, "reason", reason); }
    }

    /** The caller hung up while waiting, or their callback could not reach them. */
    record Abandoned(Instant at, String queue, String callId, long waitMs, boolean callback) implements AcdEvent {
        public String agent() { return null; }
        public String type() { return "abandon"; }
        public Map<String, Object> detail() { return fields("wait_ms", waitMs, "callback", callback); }
    }

    /** The caller's time in the queue ended ({@code outcome}: answered, transferred, abandoned, timeout, callback_failed). */
    record Dequeued(Instant at, String queue, String callId, String outcome, long waitMs, boolean callback) implements AcdEvent {
        public String agent() { return null; }
        public String type() { return "dequeue"; }
        public Map<String, Object> detail() { return fields("outcome", outcome, "wait_ms", waitMs, "callback", callback); }
    }

    /** An agent's state changed. */
    record AgentStateChanged(Instant at, String queue, String callId, String agent, Acd.AgentState from, Acd.AgentState to, String reason, long agentId) implements AcdEvent {
        public String type() { return "agent_state"; }
        public Map<String, Object> detail() { return fields("from", from.name(), "to", to.name(), "reason", reason, "agent_id", agentId); }
    }

    /** A callback's progress. */
    sealed interface Callback extends AcdEvent {
        default String agent() { return null; }
        default String type() { return "callback"; }
    }

    /** The caller chose to be called back ({@code waitMs}: how long they had waited; null when put back after the max wait). */
    record CallbackRequested(Instant at, String queue, String callId, String number, Long waitMs) implements Callback {
        public Map<String, Object> detail() { return fields("status", "requested", "number", number, "wait_ms", waitMs); }
    }

    /** The customer answered the callback's dial-out on leg {@code leg}. */
    record CallbackConnected(Instant at, String queue, String callId, int attempt, String leg, String number) implements Callback {
        public Map<String, Object> detail() { return fields("status", "connected", "attempt", attempt, "leg", leg, "number", number); }
    }

    /** The customer could not be reached; {@code givenUp}: it was the last attempt. */
    record CallbackNotReached(Instant at, String queue, String callId, int attempt, String reason, String number, boolean givenUp) implements Callback {
        public Map<String, Object> detail() { return fields("status", givenUp ? "failed" : "retry", "attempt", attempt, "reason", reason, "number", number); }
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }
}
