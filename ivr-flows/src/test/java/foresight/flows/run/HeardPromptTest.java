package foresight.flows.run;

import foresight.db.transcript.PlayedPrompt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeardPromptTest {
    static final String CONFIRM = "Are you calling about your refund for order 456? Please say yes or no.";

    @Test
    void aPromptPlayedToTheEndKeepsItsTextVerbatimAndItsSpan() {
        PlayedPrompt p = HeardPrompt.of(CONFIRM, 2400, 270, 270).orElseThrow();
        assertThat(p).isEqualTo(new PlayedPrompt(CONFIRM, 2400, 2400 + 270 * 20, false, false));
    }

    @Test
    void aPromptCutShortKeepsOnlyTheWordsThatFitInWhatWasPlayed() {
        PlayedPrompt p = HeardPrompt.of(CONFIRM, 2400, 100, 200).orElseThrow();
        assertThat(p.text()).isEqualTo("Are you calling about your refund …");
        assertThat(p.cut()).isTrue();
        assertThat(p.endMs()).isEqualTo(2400 + 100 * 20);
    }

    @Test
    void nothingIsKeptWhenNotEvenAWordWasPlayed() {
        assertThat(HeardPrompt.of(CONFIRM, 0, 1, 300)).isEmpty();
    }

    @Test
    void personalDataInAPromptIsRedactedBeforeItIsStoredAndSaysSo() {
        PlayedPrompt p = HeardPrompt.of("Are you calling about your card ending in 4242?", 0, 150, 150).orElseThrow();
        assertThat(p.text()).isEqualTo("Are you calling about your card ending in [DIGITS]").doesNotContain("4242");
        assertThat(p.redacted()).isTrue();
        PlayedPrompt cut = HeardPrompt.of("Your card number is 4111 1111 1111 1111, is that right?", 0, 60, 150).orElseThrow();
        assertThat(cut.text()).as("redacted before it is cut, so no part of the number is left").doesNotContainPattern("[0-9]");
    }

    @Test
    void firstWordsNeverCutAWordInTwo() {
        assertThat(HeardPrompt.firstWords("For refunds, press 1.", 0.5)).isEqualTo("For");
        assertThat(HeardPrompt.firstWords("For refunds, press 1.", 0.6)).isEqualTo("For refunds,");
        assertThat(HeardPrompt.firstWords("For refunds, press 1.", 1.0)).isEqualTo("For refunds, press 1.");
    }
}
