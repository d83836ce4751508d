package foresight.speech;

import foresight.db.customer.CustomerEvent;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CallReasonPredictorTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final List<Reason> REASONS = List.of(
            new Reason("refund", "Refund", "Are you calling about your refund for order {{event.order_id}}?", List.of(), List.of(),
                    List.of(new Reason.EventRule("refund_requested", "open", 30, 0.9))),
            new Reason("payment_failed", "Payment", "Are you calling about the payment of {{event.amount}} dollars?", List.of(), List.of(), List.of()));

    static CustomerEvent event(long id, String type, Duration ago, Map<String, Object> attrs) {
        return new CustomerEvent(id, 1, NOW.minus(ago), type, "open", attrs);
    }

    @Test
    void withoutTrainingTheRulesOfTheCatalogueDecide() {
        var p = new CallReasonPredictor().predict(REASONS, List.of(event(1, "refund_requested", Duration.ofDays(1), Map.of("order_id", 456))),
                List.of(), "gold", Map.of(), NOW).orElseThrow();
        assertThat(p.reasonId()).isEqualTo("refund");
        assertThat(p.phrase()).contains("456");
    }

    @Test
    void anEventTypeNoRuleNamesIsLearnedFromPastCalls() {
        List<CallReasonPredictor.Example> examples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean chargeback = i % 2 == 0;
            var history = List.of(event(i, chargeback ? "chargeback_filed" : "refund_requested", Duration.ofHours(5), Map.of("amount", 120, "order_id", 9)));
            examples.add(new CallReasonPredictor.Example(history, List.of(), "standard", NOW, chargeback ? "payment_failed" : "refund"));
        }
        var learned = CallReasonPredictor.train(examples, 30, NOW).orElseThrow();
        var predictor = new CallReasonPredictor();
        predictor.update(learned);
        var p = predictor.predict(REASONS, List.of(event(99, "chargeback_filed", Duration.ofHours(2), Map.of("amount", 75))), List.of(), "standard", Map.of(), NOW).orElseThrow();
        assertThat(p.reasonId()).isEqualTo("payment_failed");
        assertThat(p.confidence()).isGreaterThan(0.7);
        assertThat(p.phrase()).isEqualTo("Are you calling about the payment of 75 dollars?");
    }

    @Test
    void tooLittleDataLearnsNothing() {
        var one = new CallReasonPredictor.Example(List.of(), List.of(), "standard", NOW, "refund");
        assertThat(CallReasonPredictor.train(List.of(one, one, one), 30, NOW)).isEmpty();
    }
}
