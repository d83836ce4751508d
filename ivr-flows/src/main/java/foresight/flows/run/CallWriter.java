package foresight.flows.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one server's call rows and timelines on one thread, in the order they were asked for, so a caller's
 * thread never waits for PostgreSQL. The queue is bounded: when it is full the asking thread waits for room
 * (order is kept, memory is bounded). A write that fails is logged with its call id and counted
 * ({@link #failedWrites}); it is never dropped unseen. After {@link #close} writes run on the asking thread.
 */
public final class CallWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallWriter.class);

    /** One write: what it is for the log, and the repository call that does it. */
    private record Write(String callId, String what, Runnable action) {}

    private static final Write STOP = new Write("-", "stop", () -> {});

    private final BlockingQueue<Write> queue;
    private final Thread thread;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closed;

    /** Starts the writer thread; {@code capacity} writes may wait before askers block. */
    public CallWriter(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().daemon().name("call-writer").start(this::drain);
    }

    /** Queues {@code action} behind every write asked for before it; returns at once unless the queue is full. */
    public void submit(String callId, String what, Runnable action) {
        var w = new Write(callId, what, action);
        if (closed) {
            run(w);
            return;
        }
        try {
            queue.put(w);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run(w); // the asker is being stopped; the write still happens, in its place
        }
    }

    /**
     * As {@link #submit} but never waits (the media pacer's writes): when the queue is full or the writer closed the
     * write is dropped, logged with its call id and counted in {@link #failedWrites}. True if queued.
     */
    public boolean offer(String callId, String what, Runnable action) {
        if (!closed && queue.offer(new Write(callId, what, action))) return true;
        failed.incrementAndGet();
        log.warn("call={} event=call_write_dropped write={} reason={}", callId, what, closed ? "closed" : "queue_full");
        return false;
    }

    /** Waits until every write asked for before this call is done (tests, shutdown). False if it took over {@code timeoutMs}. */
    public boolean flush(long timeoutMs) {
        if (closed || Thread.currentThread() == thread) return true;
        var done = new CountDownLatch(1);
        submit("-", "flush", done::countDown);
        try {
            return done.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes that failed since start (each was logged with its call id). */
    public long failedWrites() { return failed.get(); }

    /** Writes done since start. */
    public long writtenWrites() { return written.get(); }

    /** Writes waiting. */
    public int pending() { return queue.size(); }

    private void drain() {
        while (true) {
            Write w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                log.warn("event=call_writer_interrupted pending={}", queue.size());
                return; // close() runs what is left
            }
            if (w == STOP) return;
            run(w);
        }
    }

    private void run(Write w) {
        try {
            w.action().run();
            written.incrementAndGet();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            log.error("call={} event=call_write_failed write={} error={}", w.callId(), w.what(), e.toString(), e);
        }
    }

    /** Flushes what is queued, then stops the thread; later writes run on the asking thread. */
    @Override
    public void close() {
        if (closed) return;
        if (!flush(10_000)) log.warn("event=call_writer_flush_timeout pending={}", queue.size());
        closed = true;
        try {
            queue.put(STOP);
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What is left runs here, but not for ever: with the database gone each write would wait for a connection.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        Write w;
        int abandoned = 0;
        while ((w = queue.poll()) != null) {
            if (System.nanoTime() < deadline) {
                run(w);
            } else {
                abandoned++;
                failed.incrementAndGet();
                log.error("call={} event=call_write_abandoned write={} reason=shutdown_deadline", w.callId(), w.what());
            }
        }
        if (abandoned > 0) log.error("event=call_writer_closed abandoned={}", abandoned);
    }
}
