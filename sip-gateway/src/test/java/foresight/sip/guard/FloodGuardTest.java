package foresight.sip.guard;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

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

    @Test
    void aTrustedPeerIsNeverRateLimitedNorBannedWhileOthersStillAre() {
        var g = new FloodGuard(new FloodGuard.Settings(10, 5, 2, Duration.ofMinutes(10)), TrustedPeers.of(List.of("10.1.0.0/16")), Clock.systemUTC());
        for (int i = 0; i < 1000; i++) assertThat(g.check("10.1.2.3", "Kamailio", 0)).as("request " + i).isEqualTo(FloodGuard.Verdict.PASS);
        assertThat(g.authFailed("10.1.2.3")).isFalse();
        assertThat(g.authFailed("10.1.2.3")).as("a proxy relaying wrong passwords is not banned").isFalse();
        assertThat(g.check("10.1.2.3", "Kamailio", 0)).isEqualTo(FloodGuard.Verdict.PASS);
        for (int i = 0; i < 5; i++) g.check("10.2.0.1", null, 0);
        assertThat(g.check("10.2.0.1", null, 0)).as("outside the block").isEqualTo(FloodGuard.Verdict.RATE_LIMITED);
        assertThat(g.check("10.1.2.3", "friendly-scanner", 0)).as("scanner agents are dropped even from a trusted peer").isEqualTo(FloodGuard.Verdict.SCANNER);
    }

    @Test
    void theNodeCeilingAdmitsOneSecondsWorthOfCallsThenItsRate() {
        var g = new FloodGuard(new FloodGuard.Settings(20, 60, 5, Duration.ofMinutes(10), 50), Clock.systemUTC());
        int admitted = 0;
        for (int i = 0; i < 100; i++) if (g.admitCall(0)) admitted++;
        assertThat(admitted).isEqualTo(50);
        assertThat(g.refusedOverload()).isEqualTo(50);
        admitted = 0;
        for (int i = 0; i < 100; i++) if (g.admitCall(SECOND / 10)) admitted++;
        assertThat(admitted).as("5 calls back after 100 ms at 50/s").isEqualTo(5);
    }

    @Test
    void noCeilingAdmitsEveryCall() {
        var g = new FloodGuard(FloodGuard.Settings.DEFAULT, Clock.systemUTC());
        for (int i = 0; i < 10_000; i++) assertThat(g.admitCall(0)).isTrue();
    }

    @Test
    void aSpoofedSourceFloodIsHeldToTheBoundWhileTheBusySourceStaysLimited() {
        var g = new FloodGuard(new FloodGuard.Settings(10, 5, 5, Duration.ofMinutes(10)), TrustedPeers.NONE, Clock.systemUTC(), 1_000);
        for (int i = 0; i < 5; i++) assertThat(g.check("10.9.9.9", null, 0)).isEqualTo(FloodGuard.Verdict.PASS);
        for (int i = 0; i < 20_000; i++) {
            g.check("172.16." + (i >> 8 & 255) + "." + (i & 255) + (i >> 16), null, 0);
            if (i % 10 == 0) assertThat(g.check("10.9.9.9", null, 0)).as("request %d: its bucket was not forgotten in the flood", i)
                    .isEqualTo(FloodGuard.Verdict.RATE_LIMITED);
        }
        assertThat(g.trackedSources()).isLessThanOrEqualTo(1_000);
    }

    @Test
    void aBucketIsForgottenOnceItWouldBeFullAgain() {
        var g = new FloodGuard(new FloodGuard.Settings(10, 5, 5, Duration.ofMinutes(10)), Clock.systemUTC());
        for (int i = 0; i < 6; i++) g.check("10.0.0.7", null, 0);
        assertThat(g.trackedSources()).isEqualTo(1);
        g.check("10.0.0.8", null, SECOND / 10);
        assertThat(g.trackedSources()).as("10.0.0.7 still refilling after 100 ms").isEqualTo(2);
        g.check("10.0.0.8", null, SECOND);
        assertThat(g.trackedSources()).as("5 tokens at 10/s: full after 500 ms, so forgotten").isEqualTo(1);
        for (int i = 0; i < 5; i++) assertThat(g.check("10.0.0.7", null, SECOND)).isEqualTo(FloodGuard.Verdict.PASS);
        assertThat(g.check("10.0.0.7", null, SECOND)).as("a full burst again, no more").isEqualTo(FloodGuard.Verdict.RATE_LIMITED);
    }

    @Test
    void aBanAndTheFailuresBehindItAreForgottenWhenTheBanTimeHasPassed() {
        var clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        var g = new FloodGuard(new FloodGuard.Settings(100, 100, 2, Duration.ofMinutes(10)), clock);
        g.authFailed("10.0.0.5");
        g.authFailed("10.0.0.6");
        assertThat(g.authFailed("10.0.0.6")).isTrue();
        assertThat(g.trackedSources()).as("one failure count, one ban").isEqualTo(2);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(g.trackedSources()).isZero();
        assertThat(g.authFailed("10.0.0.5")).as("the old failure no longer counts").isFalse();
        assertThat(g.check("10.0.0.6", null, 0)).isEqualTo(FloodGuard.Verdict.PASS);
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
