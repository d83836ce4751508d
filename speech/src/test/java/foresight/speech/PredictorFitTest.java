package foresight.speech;

import foresight.speech.predict.HistoryEvent;
import foresight.speech.predict.HistoryFeatures;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.PredictorFit;
import foresight.speech.predict.ReasonModel;
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

    /** {@code n} examples, oldest first: two features uniform in [0, 1), the label "a" when exactly one of them is above 0.5. */
    private static void xor(int n, List<Map<String, Double>> features, List<String> labels) {
        var r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble(), y = r.nextDouble();
            features.add(Map.of("bias", 1.0, "x", x, "y", y));
            labels.add((x > 0.5) != (y > 0.5) ? "a" : "b");
        }
    }

    @Test
    void validationComparesEveryLearnerOnAllAndOnScreenedFeaturesAndLeavesAPatternNoLineCanDrawToTrees() {
        List<Map<String, Double>> f = new ArrayList<>();
        List<String> l = new ArrayList<>();
        xor(600, f, l);
        var fitted = PredictorFit.fit(f, l, List.of(ReasonModel.Kind.values()), 0.9);
        var v = fitted.validation();
        assertThat(v.top1ByCandidate()).containsOnlyKeys("logistic", "logistic+screened", "shallow_trees", "shallow_trees+screened",
                "boosted_trees", "boosted_trees+screened");
        assertThat(v.top1ByKind().get(ReasonModel.Kind.LOGISTIC)).as("a line cannot separate xor").isLessThan(0.75);
        assertThat(v.chosen()).isNotEqualTo(ReasonModel.Kind.LOGISTIC);
        assertThat(v.top1()).isGreaterThan(0.9);
        assertThat(fitted.model().rank(Map.of("bias", 1.0, "x", 0.9, "y", 0.1)).getFirst().label()).isEqualTo("a");
        assertThat(fitted.model().rank(Map.of("bias", 1.0, "x", 0.9, "y", 0.9)).getFirst().label()).isEqualTo("b");
    }

    @Test
    void theStandardErrorOfADifferenceCountsOnlyTheCallsExactlyOneModelGetsRight() {
        List<List<foresight.speech.classify.Ranked>> a = new ArrayList<>(), b = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            labels.add("x");
            a.add(List.of(new foresight.speech.classify.Ranked(i < 60 ? "x" : "y", 0.6)));
            // b is right on the same 56 calls and on 2 that a gets wrong: 4 + 2 = 6 discordant calls.
            b.add(List.of(new foresight.speech.classify.Ranked(i < 56 || i >= 98 ? "x" : "y", 0.6)));
        }
        assertThat(PredictorFit.pairedStandardError(a, b, labels)).isCloseTo(Math.sqrt(6) / 100, within(1e-12));
    }
}
