package foresight.media.pacing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The one 20 ms media clock of the process. A single dedicated platform thread wakes on absolute deadlines
 * (so lateness does not accumulate) and runs every registered task once per frame. Tasks must not block:
 * they encode and hand packets to Netty, nothing else. Not the Netty event loop, and never a timer per call.
 */
public final class Pacer implements AutoCloseable {
    public static final long FRAME_NANOS = 20_000_000L;
    private static final Logger log = LoggerFactory.getLogger(Pacer.class);

    /** One per-frame job, e.g. one call's media. */
    public interface Task {
        /** Runs once per 20 ms on the pacer thread. Must not block. */
        void tick();
    }

    private final CopyOnWriteArrayList<Task> tasks = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final AtomicLong maxLatenessNanos = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private volatile boolean running = true;
    /** Told every wake-up's lateness; set once at start-up, read by the pacer thread. */
    private volatile LongConsumer latenessObserver = late -> { };

    public Pacer() {
        thread = Thread.ofPlatform().name("media-pacer").daemon().priority(Thread.MAX_PRIORITY).start(this::run);
    }

    public void add(Task task) { tasks.add(task); }

    public void remove(Task task) { tasks.remove(task); }

    public int taskCount() { return tasks.size(); }

    public long ticks() { return ticks.get(); }

    /** Worst lateness of a wake-up since the last call, then reset; for the start-up warm-up only (metrics use {@link #onLateness}). */
    public long takeMaxLatenessNanos() { return maxLatenessNanos.getAndSet(0); }

    /**
     * Tells {@code observer} the lateness in nanoseconds of every wake-up from now on (50 a second), on the pacer
     * thread: it must not block (a Micrometer {@code Timer} is fine). Replaces the previous observer.
     */
    public void onLateness(LongConsumer observer) { this.latenessObserver = java.util.Objects.requireNonNull(observer); }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            next += FRAME_NANOS;
            long wait;
            while ((wait = next - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            long late = -wait;
            if (late > maxLatenessNanos.get()) maxLatenessNanos.set(late);
            latenessObserver.accept(Math.max(0, late));
            if (late > 5 * FRAME_NANOS) next = System.nanoTime(); // after a long stall, resync rather than burst
            for (Task t : tasks) {
                try {
                    t.tick();
                } catch (RuntimeException e) {
                    log.error("event=pacer_task_failed task={}", t, e);
                    tasks.remove(t);
                }
            }
            ticks.incrementAndGet();
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
