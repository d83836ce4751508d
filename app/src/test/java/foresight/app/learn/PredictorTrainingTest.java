package foresight.app.learn;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerRepository;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PredictorTrainingTest {

    @Test
    void callsWithKnownReasonsTeachTheServerAnEventTypeNoRuleMentions() {
        try (Database db = SharedPostgres.open(4)) {
            var customers = new CustomerRepository(db.dsl());
            var calls = new CallRepository(db.dsl());
            var predictor = new CallReasonPredictor();
            var training = new PredictorTraining(calls, customers, predictor, 40, Clock.systemUTC());
            Instant base = Instant.parse("2026-10-01T10:00:00Z");

            assertThat(training.trainNow().trained()).as("an empty database keeps the rules").isFalse();
            for (int i = 0; i < 60; i++) {
                var c = customers.insert("+1999000" + String.format("%04d", i), "C" + i, "Test", "standard");
                boolean chargeback = i % 2 == 0;
                Instant at = base.plus(Duration.ofHours(i));
                customers.addEvent(c.id(), at, chargeback ? "chargeback_filed" : "refund_requested", "open", Map.of("amount", 40 + i, "order_id", 700 + i));
                calls.create("call-" + i, "sip-" + i, c.phone(), c.id(), at.plus(Duration.ofHours(3)));
                calls.reason("call-" + i, chargeback ? "payment_failed" : "refund", null);
                // An event after the call must not leak into its example.
                customers.addEvent(c.id(), at.plus(Duration.ofHours(5)), "survey_sent", "open", Map.of());
            }
            var summary = training.trainNow();
            assertThat(summary.trained()).isTrue();
            assertThat(summary.examples()).isEqualTo(60);

            var fresh = customers.insert("+19990009999", "New", "Caller", "standard");
            customers.addEvent(fresh.id(), Instant.now().minus(Duration.ofHours(1)), "chargeback_filed", "open", Map.of("amount", 75));
            var reasons = List.of(
                    new Reason("refund", "Refund", "Are you calling about your refund for order {{event.order_id}}?", List.of(), List.of(),
                            List.of(new Reason.EventRule("refund_requested", "open", 30, 0.9))),
                    new Reason("payment_failed", "Payment", "Are you calling about the payment of {{event.amount}} dollars?", List.of(), List.of(), List.of()));
            var p = predictor.predict(reasons, customers.recentEvents(fresh.id(), 50), List.of(), "standard", Map.of(), Instant.now()).orElseThrow();
            assertThat(p.reasonId()).isEqualTo("payment_failed");
            assertThat(p.phrase()).isEqualTo("Are you calling about the payment of 75 dollars?");
        }
    }

    @Test
    void aCandidateThatValidatesWorseThanTheLiveModelIsNotPromotedAndTheCounterSaysSo() {
        try (Database db = SharedPostgres.open(4)) {
            var customers = new CustomerRepository(db.dsl());
            var calls = new CallRepository(db.dsl());
            var predictor = new CallReasonPredictor();
            var training = new PredictorTraining(calls, customers, predictor, 40, Clock.systemUTC());
            Instant base = Instant.parse("2026-10-01T10:00:00Z");
            var random = new java.util.Random(7);
            String[] reasons = {"refund", "billing", "card"};
            // Reasons unrelated to the history (each call's only event is a type of its own): nothing generalises, so a
            // model refitted on every call (the live one) scores higher on the newest fifth than a candidate that has
            // not seen those calls.
            for (int i = 0; i < 100; i++) {
                var c = customers.insert("+1999100" + String.format("%04d", i), "C" + i, "Test", "standard");
                Instant at = base.plus(Duration.ofHours(i));
                customers.addEvent(c.id(), at, "event_type_" + i, "open", Map.of());
                calls.create("call-" + i, "sip-" + i, c.phone(), c.id(), at.plus(Duration.ofHours(1)));
                calls.reason("call-" + i, reasons[random.nextInt(reasons.length)], null);
            }
            assertThat(training.trainNow().trained()).as("the first model goes live").isTrue();
            var live = predictor.learned().orElseThrow();
            String liveVersion = live.version();
            assertThat(training.notPromoted()).isZero();

            var second = training.trainNow();
            assertThat(second.trained()).isFalse();
            assertThat(second.note()).startsWith("kept live model " + liveVersion + ": candidate validated worse");
            assertThat(training.notPromoted()).isEqualTo(1);
            assertThat(predictor.learned().orElseThrow()).isSameAs(live);
            assertThat(training.status()).containsEntry("not_promoted", 1L).containsEntry("version", liveVersion)
                    .containsEntry("last_training", second.note());
        }
    }
}
