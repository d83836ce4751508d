package foresight.app.e2e;

import foresight.flows.load.OperatorFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped example's reasons learned from its 9,000 BANKING77 utterances, with the real classifier (tf-idf +
 * MiniLM embeddings). It trains on the whole file (about a minute of CPU), so it runs with the end-to-end tests
 * (Failsafe, {@code scripts/test}) rather than in {@code scripts/test --fast}; the loader's own checks stay in
 * OperatorFilesTest.
 */
class ShippedHotlineIntentsEndToEndTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");

    @Test
    void theShippedHotlineLearnsSpokenReasonsFromBanking77MappedOntoItsFourReasons() throws Exception {
        var set = OperatorFiles.load(EXAMPLE);
        assertThat(set.intents().utteranceCount()).as("every BANKING77 row maps to a reason ('*' takes the rest)").isEqualTo(9000);
        var classifier = set.intents().startTraining().get(2, TimeUnit.MINUTES);
        // Sentences that are in neither the CSV nor reasons.yml.
        assertThat(classifier.best("I lost my bank card, I think it was stolen").label()).isEqualTo("card_lost");
        assertThat(classifier.best("I sent the item back weeks ago and still have not got my money").label()).isEqualTo("refund");
        assertThat(classifier.best("the shop would not take my card, the payment was declined").label()).isEqualTo("payment_failed");
        assertThat(classifier.best("how do I change the pin on my card").label()).isEqualTo("other");
        assertThat(set.intents().ready()).isPresent();
    }
}
