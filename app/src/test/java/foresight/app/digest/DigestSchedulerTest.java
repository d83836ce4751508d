package foresight.app.digest;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;

import static org.assertj.core.api.Assertions.assertThat;

class DigestSchedulerTest {
    @Test
    void beforeTheTimeRunsTodayAfterItTomorrow() {
        var nine = LocalTime.of(9, 0);
        assertThat(DigestScheduler.nextRun(Instant.parse("2026-11-26T08:59:00Z"), nine)).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
        assertThat(DigestScheduler.nextRun(Instant.parse("2026-11-26T09:00:00Z"), nine)).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
        assertThat(DigestScheduler.nextRun(Instant.parse("2026-11-26T23:30:00Z"), nine)).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
    }
}
