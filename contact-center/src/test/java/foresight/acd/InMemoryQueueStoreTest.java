package foresight.acd;

import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The single-node store against the {@link QueueStoreContract}, on a clock that moves one millisecond per reading. */
class InMemoryQueueStoreTest extends QueueStoreContract {
    private final Map<Long, Set<String>> members = new HashMap<>();
    private InMemoryQueueStore store;
    private long nextAgent;

    @BeforeEach
    void create() {
        Clock ticking = new Clock() {
            private Instant now = Instant.parse("2026-12-02T08:00:00Z");

            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now = now.plus(Duration.ofMillis(1)); }
        };
        store = new InMemoryQueueStore(ticking, id -> members.getOrDefault(id, Set.of()));
    }

    @Override
    protected QueueStore store() { return store; }

    @Override
    protected long newAgent(Set<String> queues) {
        long id = ++nextAgent;
        members.put(id, queues);
        return id;
    }
}
