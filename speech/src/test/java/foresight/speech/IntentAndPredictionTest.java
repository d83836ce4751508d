package foresight.speech;

import foresight.db.customer.CustomerEvent;
import foresight.speech.intent.IntentMatcher;
import foresight.speech.intent.YesNo;
import foresight.speech.predict.IssuePredictor;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IntentAndPredictionTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final List<Reason> REASONS = List.of(
            new Reason("refund", "Refund", "Are you calling about your refund for order {{event.order_id}}?",
                    List.of("refund", "money back"), List.of("where is my refund"), List.of(new Reason.EventRule("refund_requested", "open", 30, 0.9))),
            new Reason("card_lost", "Lost card", "Are you calling about your lost card?",
                    List.of("stolen", "lost card"), List.of("my card was stolen"), List.of(new Reason.EventRule("card_reported", null, 14, 0.8))));

    @Test
    void anAnswerOfOnlyUnseenWordsIsNoMatchForTheLearnedClassifierNotAnError() {
        var classifier = foresight.speech.intent.ReasonClassifier.train(REASONS, List.of(), 100);
        assertThat(classifier.match("hmm", 0.0)).isEmpty();
        assertThat(classifier.match("my card was stolen", 0.0)).get().extracting(IntentMatcher.Match::reasonId).isEqualTo("card_lost");
    }

    @Test
    void openRefundRequestPredictsRefundAndFillsTheOrderNumber() {
        var history = List.of(new CustomerEvent(7, 1, NOW.minus(Duration.ofDays(2)), "refund_requested", "open", Map.of("order_id", 456)));
        var p = new IssuePredictor(REASONS).predict(history, Map.of(), NOW).orElseThrow();
        assertThat(p.reasonId()).isEqualTo("refund");
        assertThat(p.phrase()).isEqualTo("Are you calling about your refund for order 456?");
        assertThat(p.confidence()).isBetween(0.5, 0.99);
    }

    @Test
    void resolvedOrOldEventsPredictNothing() {
        var history = List.of(
                new CustomerEvent(7, 1, NOW.minus(Duration.ofDays(2)), "refund_requested", "resolved", Map.of("order_id", 456)),
                new CustomerEvent(8, 1, NOW.minus(Duration.ofDays(40)), "card_reported", "open", Map.of()));
        assertThat(new IssuePredictor(REASONS).predict(history, Map.of(), NOW)).isEmpty();
    }

    @Test
    void spokenReasonMatchesByKeywordEvenWithRecognitionNoise() {
        var m = new IntentMatcher(REASONS);
        assertThat(m.match("it looked like a refund or my order").orElseThrow().reasonId()).isEqualTo("refund");
        assertThat(m.match("my car was stolen").orElseThrow().reasonId()).isEqualTo("card_lost");
        assertThat(m.match("what is the weather")).isEmpty();
    }

    @Test
    void negationWinsOverAgreement() {
        assertThat(YesNo.classify("yeah")).isEqualTo(YesNo.Answer.YES);
        assertThat(YesNo.classify("no I do not")).isEqualTo(YesNo.Answer.NO);
        assertThat(YesNo.classify("yes no not that")).isEqualTo(YesNo.Answer.NO);
        assertThat(YesNo.classify("the can fill")).isEqualTo(YesNo.Answer.UNCLEAR);
    }
}
