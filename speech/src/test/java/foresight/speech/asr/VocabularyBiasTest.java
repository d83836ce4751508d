package foresight.speech.asr;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VocabularyBiasTest {
    static final Set<String> REASONS = Set.of("refund", "card", "stolen", "payment");

    @Test
    void aNearlyAsLikelyReadingWithTheReasonsWordsWins() {
        String json = """
                {"alternatives": [{"confidence": 210.5, "text": "i want a fun for my order"},
                                  {"confidence": 198.0, "text": "i want a refund for my order"}]}""";
        assertThat(SpeechRecognizer.pick(json, REASONS)).isEqualTo("i want a refund for my order");
    }

    @Test
    void aMuchLessLikelyReadingDoesNotWinOnVocabularyAlone() {
        String json = """
                {"alternatives": [{"confidence": 210.5, "text": "i want a fun for my order"},
                                  {"confidence": 120.0, "text": "refund card stolen payment"}]}""";
        assertThat(SpeechRecognizer.pick(json, REASONS)).isEqualTo("i want a fun for my order");
    }

    @Test
    void aPlainResultIsTakenAsItIs() {
        assertThat(SpeechRecognizer.pick("{\"text\": \"my card was stolen\"}", REASONS)).isEqualTo("my card was stolen");
    }
}
