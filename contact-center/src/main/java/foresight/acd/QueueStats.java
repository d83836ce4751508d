package foresight.acd;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * QueueStats: what each queue's calls of the last hour add up to — answered, abandoned, service level, handle time.
 *
 * <p>Not thread-safe: owned by the {@link Acd}, used under its lock only.
 */
final class QueueStats {
    private static final Duration WINDOW = Duration.ofHours(1);

    /** A queue's last hour, as shown on the wallboard and checked by alerts. */
    public record LastHour(int answered, int abandoned, int answeredInTime, double serviceLevel, double abandonRate,
                           long handleSeconds, long longestWaitSeconds) {}

    private record Done(String queue, Instant at, boolean answered, long waitMs, long handleMs) {}

    private final Deque<Done> done = new ArrayDeque<>();

    /** An agent answered after {@code waitMs}; talk plus wrap-up took {@code handleMs}. */
    void answered(String queue, Instant at, long waitMs, long handleMs) { done.addLast(new Done(queue, at, true, waitMs, handleMs)); }

    /** The caller left (or their callback failed) after {@code waitMs}. */
    void abandoned(String queue, Instant at, long waitMs) { done.addLast(new Done(queue, at, false, waitMs, 0)); }

    /** Forgets calls older than the window. */
    void prune(Instant now) {
        while (!done.isEmpty() && done.peekFirst().at().isBefore(now.minus(WINDOW))) done.removeFirst();
    }

    /** Mean handle time (talk + wrap-up) of this queue's calls in the last hour, or the queue's configured guess. */
    long handleMs(QueueDefinition q) {
        long sum = 0, n = 0;
        for (Done d : done) if (d.answered && d.queue.equals(q.name())) { sum += d.handleMs; n++; }
        return n == 0 ? q.handleTime().toMillis() : sum / n;
    }

    /** The queue's last hour at {@code now}; {@code longestWaitSeconds}: of the callers waiting now. */
    LastHour lastHour(QueueDefinition q, Instant now, long longestWaitSeconds) {
        int answered = 0, abandoned = 0, inTime = 0;
        for (Done d : done) {
            if (!d.queue.equals(q.name()) || d.at.isBefore(now.minus(WINDOW))) continue;
            if (d.answered) {
                answered++;
                if (d.waitMs <= q.serviceLevel().toMillis()) inTime++;
            } else {
                abandoned++;
            }
        }
        int offered = answered + abandoned;
        return new LastHour(answered, abandoned, inTime, offered == 0 ? 1.0 : (double) inTime / offered,
                offered == 0 ? 0.0 : (double) abandoned / offered, handleMs(q) / 1000, longestWaitSeconds);
    }
}
