package foresight.speech;

import foresight.speech.predict.HistoryEvent;
import foresight.speech.predict.HistoryFeatures;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.PredictorFit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PredictorFitTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void confirmThresholdAsksTheMostCallersWhilePrecisionStaysAtNinetyPercent() {
        List<double[]> v = new ArrayList<>();
        for (int i = 0; i < 50; i++) v.add(new double[]{0.95, i < 49 ? 1 : 0}); // 98 % right
        for (int i = 0; i < 50; i++) v.add(new double[]{0.80, i < 40 ? 1 : 0}); // 80 % right: together 89 %
        for (int i = 0; i < 100; i++) v.add(new double[]{0.40, i < 30 ? 1 : 0});
        double[] t = PredictorFit.threshold(v, 0.90);
        assertThat(t[0]).isEqualTo(0.95);
        assertThat(t[1]).isCloseTo(0.98, within(1e-9));
        assertThat(t[2]).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void whenNoCutOffReachesThePrecisionTheQuestionIsNeverAsked() {
        List<double[]> v = new ArrayList<>();
        for (int i = 0; i < 100; i++) v.add(new double[]{0.5 + i / 1000.0, i % 2});
        assertThat(PredictorFit.threshold(v, 0.90)[0]).isEqualTo(PredictorFit.NEVER);
    }

    @Test
    void anIssueClosedByALaterEventLooksDifferentFromAnOpenOne() {
        var open = HistoryFeatures.of(List.of(new HistoryEvent(NOW.minus(Duration.ofHours(3)), "refund_opened", Map.of())), List.of(), "standard", NOW);
        var closed = HistoryFeatures.of(List.of(new HistoryEvent(NOW.minus(Duration.ofHours(3)), "refund_opened", Map.of()),
                new HistoryEvent(NOW.minus(Duration.ofHours(1)), "refund_paid", Map.of())), List.of(), "standard", NOW);
        assertThat(open).doesNotContainKey("p:refund_opened<refund_paid");
        assertThat(closed).containsEntry("p:refund_opened<refund_paid", 1.0).containsKey("p:refund_paid>refund_opened:1h");
        // Several time scales: the 1 h one has nearly forgotten a 3 h old event, the 30 d one has not.
        assertThat(open.get("e:refund_opened:1h")).isLessThan(0.06);
        assertThat(open.get("e:refund_opened:30d")).isGreaterThan(0.99);
        assertThat(open.get("e:refund_opened:logage")).isCloseTo(Math.log1p(3), within(1e-9));
    }

    @Test
    void earlierCallsAboutAReasonAddUpAtEachTimeScale() {
        var f = HistoryFeatures.of(List.of(), List.of(new PastCall(NOW.minus(Duration.ofHours(2)), "billing"), new PastCall(NOW.minus(Duration.ofHours(1)), "billing")),
                "gold", NOW);
        assertThat(f.get("c:billing:6h")).isCloseTo(Math.exp(-2 / 6.0) + Math.exp(-1 / 6.0), within(1e-9));
        assertThat(f).containsEntry("lastcall:billing", 1.0).containsEntry("history=none", 1.0);
    }
}
