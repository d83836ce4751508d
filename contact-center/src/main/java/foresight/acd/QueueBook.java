package foresight.acd;

import foresight.acd.AgentRoster.Slot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * QueueBook: who is waiting in which queue, in arrival order, with each caller's place, offer and inbox.
 *
 * <p>Not thread-safe: owned by the {@link Acd}, used under its lock only (an entry's inbox excepted: any thread posts
 * to it, the caller's own thread takes from it).
 */
final class QueueBook {
    /** What wakes a waiting caller's thread. */
    sealed interface Wake {}

    /** Phones ring for the caller: their thread bridges the call to them. */
    record Offered(Offer offer) implements Wake {}

    /** Time to look again: the max wait, whether the caller hung up, and the flow's waiting hook. */
    record Tick() implements Wake {}

    static final Tick TICK = new Tick();

    /** The agents rung for one caller, and which agent each contact URI belongs to. */
    record Offer(Entry entry, List<Slot> agents, Map<String, Slot> byContact) {}

    /** One caller in a queue (or a callback waiting for its turn). Fields written under the ACD's lock only. */
    static final class Entry {
        final String callId;
        final QueueDefinition queue;
        final Acd.Caller caller;
        final Instant enqueued;
        final long seq;
        final Set<Long> tried = new HashSet<>();
        private final BlockingQueue<Wake> inbox = new LinkedBlockingQueue<>();
        private final AtomicBoolean tickPending = new AtomicBoolean();
        Offer offer;
        boolean talking;        // an agent answered; the entry stays until the talk ends (then it is finished)
        boolean callback;
        String callbackNumber;
        int attempts;
        Instant notBefore = Instant.EPOCH;
        boolean inLine;         // shared line only: the entry has a live row there (false: not yet, refused, or reclaimed)

        Entry(String callId, QueueDefinition queue, Acd.Caller caller, Instant enqueued, long seq) {
            this.callId = callId;
            this.queue = queue;
            this.caller = caller;
            this.enqueued = enqueued;
            this.seq = seq;
        }

        int priority(Instant now, Staffing staffing) { return Dispatcher.priority(staffing, caller.tier(), queue, enqueued, now); }

        Dispatcher.WaitingCaller asWaiting() {
            return new Dispatcher.WaitingCaller(callId, queue, caller.tier(), enqueued, seq, Collections.unmodifiableSet(tried));
        }

        /** Wakes the caller's thread with an offer. Any thread. */
        void post(Offer o) { inbox.add(new Offered(o)); }

        /** Wakes the caller's thread to look again, unless a tick is already pending. Any thread. */
        void tick() { if (tickPending.compareAndSet(false, true)) inbox.add(TICK); }

        /** Drops ticks left from an earlier wait (a callback's customer starts a new one). */
        void forgetTicks() {
            inbox.removeIf(w -> w instanceof Tick);
            tickPending.set(false);
        }

        /** Blocks the caller's thread until something wakes it. */
        Wake take() throws InterruptedException {
            Wake w = inbox.take();
            if (w instanceof Tick) tickPending.set(false);
            return w;
        }

        /** Like {@link #take()}, but a tick if nothing came within {@code wait} (for when no timer ticks). */
        Wake take(java.time.Duration wait) throws InterruptedException {
            Wake w = inbox.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (w == null || w instanceof Tick) tickPending.set(false);
            return w == null ? TICK : w;
        }

        /** An offer posted but not yet taken, removed from the inbox; null if none. */
        Offer withdrawOffer() {
            for (Wake w : inbox) {
                if (w instanceof Offered o && inbox.remove(w)) return o.offer();
            }
            return null;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(); // by call id, in arrival order
    private long seq;

    /** A new entry for the caller, last in arrival order (its place may still be earlier: {@code enqueued} counts). */
    Entry add(String callId, QueueDefinition queue, Acd.Caller caller, Instant enqueued) {
        Entry e = new Entry(callId, queue, caller, enqueued, seq++);
        entries.put(callId, e);
        return e;
    }

    boolean contains(String callId) { return entries.containsKey(callId); }

    /** Removes the entry; false if it was already gone. */
    boolean remove(Entry e) { return entries.remove(e.callId) != null; }

    boolean isEmpty() { return entries.isEmpty(); }

    Entry get(String callId) { return entries.get(callId); }

    Collection<Entry> all() { return entries.values(); }

    /** Callers in {@code queue} not yet talking to an agent (ringing or not; callbacks included). */
    int waiting(String queue) {
        int n = 0;
        for (Entry e : entries.values()) if (!e.talking && e.queue.name().equals(queue)) n++;
        return n;
    }

    /** Callers who may be offered now: no offer out, not talking, not before a callback retry, callbacks only if someone dials them. */
    List<Dispatcher.WaitingCaller> offerable(Instant now, boolean callbacksEnabled) {
        List<Dispatcher.WaitingCaller> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.offer == null && !e.talking && !now.isBefore(e.notBefore) && (!e.callback || callbacksEnabled)) out.add(e.asWaiting());
        }
        return out;
    }

    /** Position among this queue's callers not yet ringing an agent, in the order they will be offered. */
    int position(Entry e, Instant now, Staffing staffing) {
        int prio = e.priority(now, staffing);
        int ahead = 0;
        for (Entry o : entries.values()) {
            if (o == e || !o.queue.name().equals(e.queue.name()) || o.offer != null || o.talking) continue;
            int p = o.priority(now, staffing);
            if (p > prio || p == prio && (o.enqueued.isBefore(e.enqueued) || o.enqueued.equals(e.enqueued) && o.seq < e.seq)) ahead++;
        }
        return ahead + 1;
    }
}
