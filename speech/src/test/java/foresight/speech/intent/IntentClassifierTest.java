package foresight.speech.intent;

import foresight.speech.classify.Ranked;
import foresight.speech.embed.SentenceEmbeddings;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class IntentClassifierTest {
    static final List<String> TEXTS = List.of(
            "I lost my card", "my card is missing", "I can't find my debit card", "I think I dropped my card somewhere",
            "I want my money back", "refund my order please", "when will I get my refund", "the refund has not arrived",
            "what is my balance", "how much money is in my account", "show me my account balance", "check my balance");
    static final List<String> LABELS = List.of(
            "card_lost", "card_lost", "card_lost", "card_lost",
            "refund", "refund", "refund", "refund",
            "balance", "balance", "balance", "balance");

    @Test
    void sentenceEmbeddingsPutAParaphraseNearerThanAnUnrelatedSentence() {
        var e = SentenceEmbeddings.shared();
        float[][] v = e.embedAll(List.of("I lost my credit card", "my bank card has gone missing", "what time do you open tomorrow"));
        assertThat(v[0]).hasSize(SentenceEmbeddings.DIMENSIONS);
        assertThat(dot(v[0], v[0])).isCloseTo(1.0, offset(1e-3));
        assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]) + 0.2);
        assertThat(e.embed("I lost my credit card")).containsExactly(v[0], org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void aParaphraseSharingNoWordWithTheTrainingRowsIsStillUnderstood() {
        var c = IntentClassifier.train(TEXTS, LABELS);
        // "wallet", "stolen", "purse" occur in no training row: tf-idf alone has nothing to go on.
        assertThat(c.classify("somebody stole my wallet", 0.0).label()).isEqualTo("card_lost");
        assertThat(c.classify("I returned the item and I'm still waiting to be reimbursed").label()).isEqualTo("refund");
        assertThat(c.classify("what is my balance").label()).isEqualTo("balance");
    }

    @Test
    void pooledProbabilitiesSumToOneAndTheWeightPicksTheModel() {
        var tfidf = List.of(new Ranked("a", 0.7), new Ranked("b", 0.3));
        var embedding = List.of(new Ranked("b", 0.9), new Ranked("a", 0.1));
        assertThat(IntentClassifier.mix(tfidf, embedding, 1.0).getFirst().label()).isEqualTo("a");
        assertThat(IntentClassifier.mix(tfidf, embedding, 0.0).getFirst().label()).isEqualTo("b");
        var half = IntentClassifier.mix(tfidf, embedding, 0.5);
        assertThat(half.stream().mapToDouble(Ranked::probability).sum()).isCloseTo(1.0, offset(1e-9));
        assertThat(half.getFirst().label()).isEqualTo("b"); // sqrt(.7 × .1) < sqrt(.3 × .9)
    }

    @Test
    void extraRowsSuchAsRecognisedSpeechAreLearnedBeyondThePerReasonCap() {
        var reasons = List.of(
                new Reason("refund", "Refund", "Refund?", List.of("refund"), List.of("where is my refund"), List.of()),
                new Reason("card_lost", "Lost card", "Lost card?", List.of("lost card"), List.of("my card was stolen"), List.of()));
        // What a recogniser made of "refund" and "my card": words no typed row has.
        var heard = List.of(new ReasonClassifier.Labelled("where is my re fun", "refund"), new ReasonClassifier.Labelled("re fun please", "refund"),
                new ReasonClassifier.Labelled("my cart was stolen", "card_lost"), new ReasonClassifier.Labelled("lost my cart", "card_lost"),
                new ReasonClassifier.Labelled("this reason is unknown", "no_such_reason"));
        var c = ReasonClassifier.train(reasons, List.of(), 2, heard);
        assertThat(c.trainingRows()).as("4 typed + 4 heard; the unknown reason's row is ignored").isEqualTo(8);
        assertThat(c.best("re fun").label()).isEqualTo("refund");
        assertThat(c.best("cart").label()).isEqualTo("card_lost");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
