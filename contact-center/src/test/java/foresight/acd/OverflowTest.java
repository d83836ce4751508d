package foresight.acd;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverflowTest {
    private static QueueDefinition overflowingTo(String word) {
        return new QueueDefinition("cards", Duration.ofMinutes(2), Duration.ofSeconds(20), null, null, null, null, null, null, null, null,
                word, "1", null, 0.8, null, null);
    }

    @Test
    void noOverflowKeyMeansTheFlowsNextStep() { assertThat(overflowingTo(null).overflowTarget()).isEqualTo(new Overflow.NextStep()); }

    @Test
    void theWordCallbackMeansACallbackOffer() { assertThat(overflowingTo("callback").overflowTarget()).isEqualTo(new Overflow.Callback()); }

    @Test
    void anyOtherWordNamesTheQueueCallersMoveTo() { assertThat(overflowingTo("general").overflowTarget()).isEqualTo(new Overflow.ToQueue("general")); }

    @Test
    void anEmptyQueueNameIsRefused() {
        assertThatThrownBy(() -> new Overflow.ToQueue(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
