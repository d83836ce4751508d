package foresight.sip.guard;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class FloodGuardTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void scannerUserAgentsAreDroppedWhateverTheRate() {
        var g = new FloodGuard(FloodGuard.Settings.DEFAULT, Clock.systemUTC());
        assertThat(g.check("10.0.0.1", "friendly-scanner", 0)).isEqualTo(FloodGuard.Verdict.SCANNER);
        assertThat(g.check("10.0.0.1", "SIPVicious 0.3", 0)).isEqualTo(FloodGuard.Verdict.SCANNER);
        assertThat(g.check("10.0.0.1", "Linphone/5.2", 0)).isEqualTo(FloodGuard.Verdict.PASS);
        assertThat(g.droppedScanner()).isEqualTo(2);
    }

    @Test
    void aBurstAboveTheBucketIsRateLimitedAndTheBucketRefillsWithTime() {
        var g = new FloodGuard(new FloodGuard.Settings(10, 5, 5, Duration.ofMinutes(10)), Clock.systemUTC());
        for (int i = 0; i < 5; i++) assertThat(g.check("10.0.0.2", null, 0)).isEqualTo(FloodGuard.Verdict.PASS);
        assertThat(g.check("10.0.0.2", null, 0)).isEqualTo(FloodGuard.Verdict.RATE_LIMITED);
        assertThat(g.check("10.0.0.3", null, 0)).as("other sources are unaffected").isEqualTo(FloodGuard.Verdict.PASS);
        assertThat(g.check("10.0.0.2", null, SECOND / 5)).as("two tokens back after 200 ms at 10/s").isEqualTo(FloodGuard.Verdict.PASS);
    }

    @Test
    void repeatedFailedLoginsBanTheSourceUntilTheBanExpires() {
        var clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        var g = new FloodGuard(new FloodGuard.Settings(100, 100, 3, Duration.ofMinutes(10)), clock);
        assertThat(g.authFailed("10.0.0.4")).isFalse();
        assertThat(g.authFailed("10.0.0.4")).isFalse();
        assertThat(g.authFailed("10.0.0.4")).isTrue();
        assertThat(g.check("10.0.0.4", "Zoiper", 0)).isEqualTo(FloodGuard.Verdict.BANNED);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(g.check("10.0.0.4", "Zoiper", 0)).isEqualTo(FloodGuard.Verdict.PASS);
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) { this.now = now; }

        @Override
        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(java.time.ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }
}
