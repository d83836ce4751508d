package foresight.app.digest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends the previous UTC day's digest every day at {@code digest.time} (UTC). One single-threaded scheduled executor
 * owns the schedule: each run schedules the next one from the clock, so a slow run or a clock change never bunches runs.
 * A failed delivery is logged and retried the next day (not sooner: a digest is only useful in the morning).
 */
public final class DigestScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DigestScheduler.class);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "digest");
        t.setDaemon(true);
        return t;
    });
    private final LocalTime at;
    private final Clock clock;
    private final Function<LocalDate, DailyDigest> build;
    private final DigestDelivery delivery;
    private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger(); // written by the digest thread

    public DigestScheduler(LocalTime at, Clock clock, Function<LocalDate, DailyDigest> build, DigestDelivery delivery) {
        this.at = at;
        this.clock = clock;
        this.build = build;
        this.delivery = delivery;
    }

    /** Schedules the first run; returns at once. */
    public DigestScheduler start() {
        scheduleNext();
        return this;
    }

    /** The next time {@code at} (UTC) strictly after {@code now}. */
    static Instant nextRun(Instant now, LocalTime at) {
        ZonedDateTime today = now.atZone(ZoneOffset.UTC).toLocalDate().atTime(at).atZone(ZoneOffset.UTC);
        return (today.toInstant().isAfter(now) ? today : today.plusDays(1)).toInstant();
    }

    private void scheduleNext() {
        Instant now = clock.instant();
        Instant next = nextRun(now, at);
        log.info("event=digest_scheduled at={}", next);
        executor.schedule(this::runOnce, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        try {
            DailyDigest d = build.apply(day);
            delivery.deliver(d);
            sent.incrementAndGet();
            log.info("event=digest_sent date={} reasons={} categories={} phrases={} precisionDropped={}", day, d.reasons().size(),
                    d.categories().size(), d.newPhrases().size(), d.precision().dropped());
        } catch (Exception e) {
            log.warn("event=digest_failed date={} error={}", day, e.toString(), e);
        } finally {
            if (!executor.isShutdown()) scheduleNext();
        }
    }

    /** Digests delivered since start (any thread may read). */
    public int sent() { return sent.get(); }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
