package foresight.app.metrics;

import foresight.media.pacing.Pacer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PacerLatenessTest {
    @Test
    void everyWakeUpIsRecordedAndAScrapeResetsNothing() {
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var pacer = new Pacer()) {
            var timer = PacerLateness.observe(pacer, metrics);
            await().atMost(Duration.ofSeconds(10)).until(() -> timer.count() >= 10);
            String first = metrics.scrape();
            assertThat(first).contains("foresight_media_pacer_lateness_seconds_bucket{le=\"0.02\"}")
                    .contains("foresight_media_pacer_lateness_seconds_sum");
            double count1 = value(first, "foresight_media_pacer_lateness_seconds_count");
            double max1 = value(first, "foresight_media_pacer_lateness_seconds_max");
            assertThat(count1).isGreaterThanOrEqualTo(10);

            // The pacer wakes every 20 ms: a later scrape counts more (a count reset by the scrape, or a pacer no
            // longer observed, would stay at or below the first).
            String second = await().atMost(Duration.ofSeconds(10)).until(metrics::scrape,
                    s -> value(s, "foresight_media_pacer_lateness_seconds_count") > count1);
            assertThat(value(second, "foresight_media_pacer_lateness_seconds_count")).as("wake-ups keep adding up").isGreaterThan(count1);
            assertThat(value(second, "foresight_media_pacer_lateness_seconds_max")).as("the max is not reset by the first scrape").isGreaterThanOrEqualTo(max1);
        }
    }

    private static double value(String scrape, String name) {
        var m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
