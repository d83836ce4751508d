package foresight.flows.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one server's call rows and timelines off the callers' threads, so a caller's thread never waits for
 * PostgreSQL. Each call's writes go to one lane (by call id) and run there in the order they were asked for; lanes
 * run side by side, so one database round trip at a time does not cap the node's call rate (at ≈ 4 ms a write and
 * ≈ 12 writes a call, one lane tops out near 20 calls/s). Each lane's queue is bounded: when it is full the asking
 * thread waits for room (order is kept, memory is bounded). A write that fails is logged with its call id and
 * counted ({@link #failedWrites}); it is never dropped unseen. After {@link #close} writes run on the asking thread.
 */
public final class CallWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallWriter.class);

    /** One write: what it is for the log, and the repository call that does it. */
    private record Write(String callId, String what, Runnable action) {}

    private static final Write STOP = new Write("-", "stop", () -> {});

    /** One ordered queue and the thread that drains it. */
    private final class Lane {
        final BlockingQueue<Write> queue;
        final Thread thread;

        Lane(int capacity, String name) {
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.thread = Thread.ofPlatform().daemon().name(name).start(() -> drain(queue));
        }
    }

    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closed;

    /** One lane: every write in the order asked for; {@code capacity} writes may wait before askers block. */
    public CallWriter(int capacity) { this(capacity, 1); }

    /** {@code lanes} writer threads sharing {@code capacity} waiting writes; a call's writes keep their order. */
    public CallWriter(int capacity, int lanes) {
        if (lanes < 1 || capacity < lanes) throw new IllegalArgumentException("call writer: lanes=" + lanes + " capacity=" + capacity);
        for (int i = 0; i < lanes; i++) this.lanes.add(new Lane(capacity / lanes, lanes == 1 ? "call-writer" : "call-writer-" + i));
    }

    private Lane lane(String callId) { return lanes.get(Math.floorMod(callId.hashCode(), lanes.size())); }

    /** Queues {@code action} behind every write of the same call asked for before it; returns at once unless its lane is full. */
    public void submit(String callId, String what, Runnable action) {
        put(lane(callId), new Write(callId, what, action));
    }

    private void put(Lane lane, Write w) {
        if (closed) {
            run(w);
            return;
        }
        try {
            lane.queue.put(w);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run(w); // the asker is being stopped; the write still happens, in its place
        }
    }

    /**
     * As {@link #submit} but never waits (the media pacer's writes): when the lane is full or the writer closed the
     * write is dropped, logged with its call id and counted in {@link #failedWrites}. True if queued.
     */
    public boolean offer(String callId, String what, Runnable action) {
        if (!closed && lane(callId).queue.offer(new Write(callId, what, action))) return true;
        failed.incrementAndGet();
        log.warn("call={} event=call_write_dropped write={} reason={}", callId, what, closed ? "closed" : "queue_full");
        return false;
    }

    /** Waits until every write asked for before this call is done (tests, shutdown). False if it took over {@code timeoutMs}. */
    public boolean flush(long timeoutMs) {
        if (closed || lanes.stream().anyMatch(l -> l.thread == Thread.currentThread())) return true;
        var done = new CountDownLatch(lanes.size());
        for (Lane l : lanes) put(l, new Write("-", "flush", done::countDown));
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

    /** Writes waiting, all lanes. */
    public int pending() { return lanes.stream().mapToInt(l -> l.queue.size()).sum(); }

    private void drain(BlockingQueue<Write> queue) {
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

    /** Flushes what is queued, then stops the threads; later writes run on the asking thread. */
    @Override
    public void close() {
        if (closed) return;
        if (!flush(10_000)) log.warn("event=call_writer_flush_timeout pending={}", pending());
        closed = true;
        for (Lane l : lanes) {
            try {
                l.queue.put(STOP);
                l.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // What is left runs here, but not for ever: with the database gone each write would wait for a connection.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int abandoned = 0;
        for (Lane l : lanes) {
            Write w;
            while ((w = l.queue.poll()) != null) {
                if (w == STOP) continue;
                if (System.nanoTime() < deadline) {
                    run(w);
                } else {
                    abandoned++;
                    failed.incrementAndGet();
                    log.error("call={} event=call_write_abandoned write={} reason=shutdown_deadline", w.callId(), w.what());
                }
            }
        }
        if (abandoned > 0) log.error("event=call_writer_closed abandoned={}", abandoned);
    }
}
