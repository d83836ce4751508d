package foresight.flows.model;

import foresight.speech.intent.ReasonClassifier;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IntentModelTest {
    static final List<Reason> REASONS = List.of(
            new Reason("refund", "refund", "Is it about a refund?", List.of("refund"), List.of("I want my money back"), List.of()),
            new Reason("card_lost", "lost card", "Is it about a lost card?", List.of("lost"), List.of("I lost my card"), List.of()));

    @Test
    void aVersionWithTheSameReasonsAndUtterancesTakesTheClassifierAlreadyTrained() throws Exception {
        var utterances = List.of(new ReasonClassifier.Labelled("where is my refund", "refund"), new ReasonClassifier.Labelled("my card is gone", "card_lost"),
                new ReasonClassifier.Labelled("money back please", "refund"), new ReasonClassifier.Labelled("someone stole my card", "card_lost"));
        var first = new IntentModel(REASONS, utterances);
        var trained = first.startTraining().get(2, TimeUnit.MINUTES);
        var sameData = new IntentModel(REASONS, List.copyOf(utterances));
        assertThat(sameData.startTraining().getNow(null)).as("ready at once, not trained again").isSameAs(trained);
        assertThat(sameData.ready()).containsSame(trained);

        var otherData = new IntentModel(REASONS, utterances.subList(0, 3));
        assertThat(otherData.startTraining()).as("different utterances train their own").isNotSameAs(first.startTraining());
        otherData.startTraining().get(2, TimeUnit.MINUTES);
    }
}
