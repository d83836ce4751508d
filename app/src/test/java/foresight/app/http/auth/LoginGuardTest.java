package foresight.app.http.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class LoginGuardTest {
    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    final HandClock clock = new HandClock();
    final LoginGuard guard = LoginGuard.standard(clock);

    @Test
    void theFifthFailureLocksTheUserForThirtySecondsAndEachFurtherOneDoublesIt() {
        for (int i = 1; i <= 4; i++) assertThat(guard.failed("3101", "10.0.0." + i)).as("failure " + i).isEmpty();
        assertThat(guard.lockedFor("3101", "10.0.0.9")).isEmpty();
        assertThat(guard.failed("3101", "10.0.0.5")).hasValue(Duration.ofSeconds(30));
        assertThat(guard.lockedFor("3101", "10.0.0.9")).as("another address, same user").hasValue(Duration.ofSeconds(30));
        assertThat(guard.lockedFor("3102", "10.0.0.9")).as("another user").isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(guard.lockedFor("3101", "10.0.0.9")).isEmpty();
        assertThat(guard.failed("3101", "10.0.0.6")).hasValue(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(61));
        assertThat(guard.failed("3101", "10.0.0.7")).hasValue(Duration.ofSeconds(120));
    }

    @Test
    void oneAddressTryingManyUsersIsLockedToo() {
        for (int i = 1; i <= 5; i++) guard.failed("user" + i, "203.0.113.7");
        assertThat(guard.lockedFor("someone-else", "203.0.113.7")).isPresent();
        assertThat(guard.lockedFor("someone-else", "203.0.113.8")).isEmpty();
    }

    @Test
    void theLockNeverExceedsFifteenMinutes() {
        for (int i = 1; i <= 30; i++) {
            guard.failed("3101", "10.0.0.1");
            clock.advance(Duration.ofMinutes(16));
        }
        assertThat(guard.failed("3101", "10.0.0.1")).hasValue(Duration.ofMinutes(15));
    }

    @Test
    void aSuccessClearsTheCount() {
        for (int i = 1; i <= 4; i++) guard.failed("3101", "10.0.0.1");
        guard.succeeded("3101", "10.0.0.1");
        for (int i = 1; i <= 4; i++) assertThat(guard.failed("3101", "10.0.0.1")).isEmpty();
    }
}
