package foresight.app.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AsrConfusionsTest {
    @Test
    void aWordTheRecogniserAlwaysMishearsIsWrittenAsItWasHeardAndUnseenWordsStay() {
        var c = AsrConfusions.learn(
                List.of("Where is my card?", "My card is lost", "Is there a tracking number for the card", "I lost the card"),
                List.of("where is my car", "my car is lost", "is there a cracking number for the car", "i lost the car"));
        assertThat(c.count("card", "car")).isEqualTo(4);
        assertThat(c.count("tracking", "cracking")).isEqualTo(1);
        // "card" was heard as "car" every time (seen ≥ 3 times); "tracking" only once: kept; "freeze" never seen: kept.
        assertThat(c.noise("Please freeze my card, tracking it failed", new Random(1))).isEqualTo("please freeze my car tracking it failed");
    }

    @Test
    void aWordTheRecogniserDroppedIsCountedAsDropped() {
        var c = AsrConfusions.learn(List.of("I want a refund", "a fee", "a card"), List.of("i want refund", "fee", "card"));
        assertThat(c.count("a", "")).isEqualTo(3);
        assertThat(c.noise("a new card", new Random(1))).isEqualTo("new card");
    }
}
