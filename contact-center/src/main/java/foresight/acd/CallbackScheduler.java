package foresight.acd;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * CallbackScheduler: when a callback is dialled, how often it is retried and when it is given up.
 *
 * <p>A callback keeps its caller's place in the queue; when its turn comes the {@link Acd} reserves an agent and
 * hands a {@link Acd.CallbackJob} to the dialler set here, on a virtual thread of its own (dialling blocks). After a
 * failed attempt the entry waits {@code retry} (the ACD is woken then to offer it again) until {@code attempts}
 * were made.
 */
final class CallbackScheduler {
    private final int attempts;
    private final Duration retry;
    private final ScheduledExecutorService timers;
    private volatile Consumer<Acd.CallbackJob> dialler; // set once at start-up by the wiring; read by the ACD

    CallbackScheduler(int attempts, Duration retry, ScheduledExecutorService timers) {
        this.attempts = attempts;
        this.retry = retry;
        this.timers = timers;
    }

    void dialWith(Consumer<Acd.CallbackJob> dialler) { this.dialler = dialler; }

    /** True when someone dials callbacks (a route is configured); otherwise callbacks wait and callback keys are ignored. */
    boolean enabled() { return dialler != null; }

    /** Hands the job to the dialler on its own virtual thread. */
    void dial(Acd.CallbackJob job) {
        Consumer<Acd.CallbackJob> d = dialler;
        Thread.ofVirtual().name("callback-" + job.callId()).start(() -> d.accept(job));
    }

    /** True if {@code attempt} was the last one allowed. */
    boolean lastAttempt(int attempt) { return attempt >= attempts; }

    /**
     * After a failed attempt that is not the last: the entry may be offered again at the returned instant, when
     * {@code wake} runs (on the timer thread).
     */
    Instant retryAfter(Instant now, Runnable wake) {
        try {
            timers.schedule(wake, retry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the ACD is closing: nobody is left to offer it
        }
        return now.plus(retry);
    }
}
