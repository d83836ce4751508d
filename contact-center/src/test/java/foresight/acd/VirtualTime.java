package foresight.acd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock and a scheduler in virtual time, for tests: nothing runs until {@link #advance}, which moves the clock
 * to each due task in turn and runs it on the calling thread.
 */
final class VirtualTime extends AbstractExecutorService implements ScheduledExecutorService {
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(java.util.Comparator.<Task, Instant>comparing(t -> t.due).thenComparingLong(t -> t.seq));
    private volatile Instant now;
    private long seq;
    private boolean shutdown;

    VirtualTime(Instant start) { this.now = start; }

    /** The clock that reads this virtual time. */
    Clock clock() {
        return new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return now; }
        };
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way, in order. */
    void advance(Duration d) {
        Instant end = now.plus(d);
        while (true) {
            Task t;
            lock.lock();
            try {
                t = tasks.peek();
                if (t == null || t.due.isAfter(end)) break;
                tasks.poll();
                if (t.due.isAfter(now)) now = t.due;
            } finally {
                lock.unlock();
            }
            if (t.cancelled) continue;
            t.job.run();
            if (t.period != null && !t.cancelled) {
                lock.lock();
                try {
                    t.due = t.due.plus(t.period);
                    tasks.add(t);
                } finally {
                    lock.unlock();
                }
            }
        }
        now = end;
    }

    /** Advances in steps of {@code step}, giving other threads a moment to act on what ran between steps. */
    void advanceInSteps(Duration total, Duration step) throws InterruptedException {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            advance(step);
            Thread.sleep(5);
        }
    }

    private ScheduledFuture<?> add(Runnable job, long delay, TimeUnit unit, Duration period) {
        lock.lock();
        try {
            Task t = new Task(job, now.plusNanos(unit.toNanos(delay)), period, seq++);
            tasks.add(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    @Override public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) { return add(command, delay, unit, null); }

    @Override public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) { throw new UnsupportedOperationException("not needed by the ACD"); }

    @Override public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, initialDelay, unit, Duration.ofNanos(unit.toNanos(period)));
    }

    @Override public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, initialDelay, unit, Duration.ofNanos(unit.toNanos(delay)));
    }

    @Override public void execute(Runnable command) { add(command, 0, TimeUnit.NANOSECONDS, null); }

    @Override public void shutdown() { shutdown = true; }

    @Override public List<Runnable> shutdownNow() { shutdown = true; return new ArrayList<>(); }

    @Override public boolean isShutdown() { return shutdown; }

    @Override public boolean isTerminated() { return shutdown; }

    @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }

    private static final class Task implements ScheduledFuture<Object> {
        final Runnable job;
        final Duration period;
        final long seq;
        volatile Instant due;
        volatile boolean cancelled;

        Task(Runnable job, Instant due, Duration period, long seq) {
            this.job = job;
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        @Override public long getDelay(TimeUnit unit) { return 0; }
        @Override public int compareTo(Delayed o) { return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS)); }
        @Override public boolean cancel(boolean mayInterrupt) { cancelled = true; return true; }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public boolean isDone() { return cancelled; }
        @Override public Object get() { return null; }
        @Override public Object get(long timeout, TimeUnit unit) { return null; }
    }
}
