package foresight.acd;

import java.time.Instant;
import java.util.Map;

/**
 * Something the ACD decided or saw, in the order it happened: {@code enqueue}, {@code offer}, {@code answer},
 * {@code abandon}, {@code dequeue}, {@code agent_state}, {@code callback}. Wallboards, CRMs (server-sent events)
 * and the store that writes queue entries and offers to PostgreSQL all follow this one stream.
 *
 * @param queue  null for agent-state events
 * @param callId null for agent-state events
 * @param agent  the agent's username, or null
 */
public record AcdEvent(String type, Instant at, String queue, String callId, String agent, Map<String, Object> detail) {
    public AcdEvent {
        detail = detail == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
    }
}
