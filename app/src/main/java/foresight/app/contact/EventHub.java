package foresight.app.contact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Fans live events (ACD decisions, agent states, alerts) out to subscribers such as server-sent event streams.
 * Publishing never blocks: each subscriber has a bounded queue; one that falls behind by more than its queue
 * loses the oldest events it did not read and is told how many (a wallboard then reloads its state).
 */
public final class EventHub {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    private static final int QUEUE = 2048;

    /** One event: a type (SSE event name), when it happened, and its fields. */
    public record Event(String type, long atMillis, Map<String, Object> data) {}

    /** A subscriber's view: take events in order; close when done. */
    public final class Subscription implements AutoCloseable {
        final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        final Predicate<Event> filter;
        final AtomicLong dropped = new AtomicLong();

        Subscription(Predicate<Event> filter) { this.filter = filter; }

        /** The next event, waiting up to {@code millis}; null if none came. */
        public Event next(long millis) throws InterruptedException {
            return queue.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** Events lost because this subscriber read too slowly (reset by this call). */
        public long takeDropped() { return dropped.getAndSet(0); }

        @Override
        public void close() { subscribers.remove(this); }
    }

    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();

    public Subscription subscribe(Predicate<Event> filter) {
        Subscription s = new Subscription(filter);
        subscribers.add(s);
        return s;
    }

    public void publish(Event e) {
        for (Subscription s : subscribers) {
            if (!s.filter.test(e)) continue;
            while (!s.queue.offer(e)) {
                s.queue.poll();
                if (s.dropped.incrementAndGet() == 1) log.warn("event=sse_subscriber_behind dropped_oldest=true");
            }
        }
    }

    public int subscribers() { return subscribers.size(); }
}
