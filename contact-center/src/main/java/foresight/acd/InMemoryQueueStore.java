package foresight.acd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * The {@link QueueStore} of a single node: lines and reservations in this process's memory, ordered by this node's
 * clock. Never fenced (there is no other node). Thread-safe: every method runs under one lock and never blocks in it.
 */
public final class InMemoryQueueStore implements QueueStore {
    private static final String NODE = "local";

    private enum State { WAITING, OFFERED, TALKING }

    private static final class Entry { // fields guarded by lock
        final String queue;
        final String callId;
        final int priority;
        final Instant enqueued;
        final long seq;
        State state = State.WAITING;
        Long agentId;

        Entry(String queue, String callId, int priority, Instant enqueued, long seq) {
            this.queue = queue;
            this.callId = callId;
            this.priority = priority;
            this.enqueued = enqueued;
            this.seq = seq;
        }
    }

    private static final class Agent { // fields guarded by lock
        Availability availability = Availability.AWAY;
        Instant idleSince = Instant.EPOCH;
        String offeredTo; // call id of the open offer, or null
    }

    private final Clock clock;
    private final LongFunction<Set<String>> memberOf;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new LinkedHashMap<>(); // by call id; guarded by lock
    private final Map<Long, Agent> agents = new HashMap<>();           // guarded by lock
    private long seq;                                                 // guarded by lock

    /** @param memberOf the queues an agent serves (by agent id) */
    public InMemoryQueueStore(Clock clock, LongFunction<Set<String>> memberOf) {
        this.clock = clock;
        this.memberOf = memberOf;
    }

    @Override
    public boolean enqueue(String queue, String callId, int priority) {
        lock.lock();
        try {
            if (entries.containsKey(callId)) throw new IllegalStateException("call=" + callId + " is already waiting in a queue (enqueue to " + queue + " refused)");
            entries.put(callId, new Entry(queue, callId, priority, clock.instant(), seq++));
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Offer> match(String queue, Duration agingStep) {
        lock.lock();
        try {
            Instant now = clock.instant();
            Entry head = entries.values().stream().filter(e -> e.queue.equals(queue) && e.state == State.WAITING)
                    .min(Comparator.<Entry>comparingInt(e -> -aged(e, agingStep, now)).thenComparing(e -> e.enqueued).thenComparingLong(e -> e.seq))
                    .orElse(null);
            if (head == null) return Optional.empty();
            Map.Entry<Long, Agent> free = agents.entrySet().stream()
                    .filter(a -> a.getValue().availability == Availability.AVAILABLE && a.getValue().offeredTo == null
                            && memberOf.apply(a.getKey()).contains(queue))
                    .min(Comparator.<Map.Entry<Long, Agent>, Instant>comparing(a -> a.getValue().idleSince).thenComparing(Map.Entry::getKey))
                    .orElse(null);
            if (free == null) return Optional.empty();
            head.state = State.OFFERED;
            head.agentId = free.getKey();
            free.getValue().offeredTo = head.callId;
            return Optional.of(new Offer(queue, head.callId, free.getKey()));
        } finally {
            lock.unlock();
        }
    }

    private static int aged(Entry e, Duration agingStep, Instant now) {
        long step = agingStep.toMillis();
        return step > 0 ? e.priority + (int) (Duration.between(e.enqueued, now).toMillis() / step) : e.priority;
    }

    @Override
    public List<Offer> pendingOffers() {
        lock.lock();
        try {
            List<Offer> out = new ArrayList<>();
            for (Entry e : entries.values()) if (e.state == State.OFFERED) out.add(new Offer(e.queue, e.callId, e.agentId));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean answered(String callId, long agentId) {
        lock.lock();
        try {
            Entry e = entries.get(callId);
            if (e == null || e.state != State.OFFERED || e.agentId != agentId) return false;
            e.state = State.TALKING;
            agents.get(agentId).availability = Availability.BUSY;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offerFailed(String callId, long agentId, String result) {
        lock.lock();
        try {
            Entry e = entries.get(callId);
            if (e == null || e.state != State.OFFERED || e.agentId != agentId) return false;
            e.state = State.WAITING;
            e.agentId = null;
            release(agentId);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean left(String callId, String outcome) {
        lock.lock();
        try {
            Entry e = entries.remove(callId);
            if (e == null) return false;
            if (e.agentId != null) release(e.agentId);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the agent's open offer; an offered or busy agent is available again, idle from now. */
    private void release(long agentId) {
        Agent a = agents.get(agentId);
        a.offeredTo = null;
        if (a.availability != Availability.AWAY) {
            a.availability = Availability.AVAILABLE;
            a.idleSince = clock.instant();
        }
    }

    @Override
    public List<Waiting> line(String queue) {
        lock.lock();
        try {
            Instant now = clock.instant();
            return entries.values().stream().filter(e -> e.queue.equals(queue) && e.state != State.TALKING)
                    .sorted(Comparator.<Entry>comparingInt(e -> -e.priority).thenComparing(e -> e.enqueued).thenComparingLong(e -> e.seq))
                    .map(e -> new Waiting(e.queue, e.callId, NODE, e.agentId, Duration.between(e.enqueued, now))).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void agentState(long agentId, Availability availability) {
        lock.lock();
        try {
            Agent a = agents.computeIfAbsent(agentId, k -> new Agent());
            if (availability == Availability.AVAILABLE && a.availability != Availability.AVAILABLE) a.idleSince = clock.instant();
            a.availability = availability;
        } finally {
            lock.unlock();
        }
    }
}
