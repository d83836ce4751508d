package foresight.app.metrics;

import foresight.media.pacing.Pacer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The media pacer's wake-up lateness as a Micrometer {@link Timer}: every 20 ms wake-up is recorded, so
 * {@code /metrics} shows cumulative buckets, count, sum and a time-window max that no scrape resets (two
 * scrapers see the same numbers). Buckets are chosen around the 20 ms frame: 1-5 ms is normal jitter, past
 * 20 ms a frame was sent late.
 */
public final class PacerLateness {
    /** Exported as {@code foresight_media_pacer_lateness_seconds_{bucket,count,sum,max}}. */
    public static final String NAME = "foresight_media_pacer_lateness";

    private PacerLateness() { }

    /** Registers the timer and has {@code pacer} feed it from now on. */
    public static Timer observe(Pacer pacer, MeterRegistry metrics) {
        Timer timer = Timer.builder(NAME)
                .description("lateness of each 20 ms media pacer wake-up")
                .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(250))
                .register(metrics);
        pacer.onLateness(nanos -> timer.record(nanos, TimeUnit.NANOSECONDS));
        return timer;
    }

    private static Duration ms(long n) { return Duration.ofMillis(n); }
}
