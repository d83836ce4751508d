package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.db.customer.Customer;
import foresight.flows.model.Flow;
import foresight.flows.model.Step;
import foresight.speech.predict.Prediction;
import foresight.speech.tts.FestivalVoice;
import foresight.speech.tts.SpeechSynthesizer;
import foresight.speech.tts.Voice;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The prompt cache in front of the voice, and prompts synthesised ahead of the flow. */
class PromptsTest {

    @Test
    void theSecondRequestForASentenceIsServedFromTheCacheWithoutAskingFestival() throws Exception {
        try (var tts = new SpeechSynthesizer(FestivalVoice.slt(1))) {
            var prompts = new Prompts(tts);
            AudioClip first = prompts.get("Please hold while we find a specialist.");
            assertThat(tts.voice()).isEqualTo("festival-slt");
            assertThat(tts.requests()).isEqualTo(1);
            assertThat(first.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
            assertThat(first.encoded(0, first.frames().size() / 2)).as("µ-law frame of 160 bytes").hasSize(160);

            AudioClip second = prompts.get("Please hold while we find a specialist.");
            assertThat(second).isSameAs(first);
            assertThat(tts.requests()).as("no new festival request").isEqualTo(1);
            assertThat(prompts.cached()).isEqualTo(1);
        }
    }

    @Test
    void aSentenceAskedForWhileItIsBeingPrefetchedIsSynthesisedOnlyOnce() throws Exception {
        var voice = new GatedVoice();
        var prompts = new Prompts(new SpeechSynthesizer(voice));
        prompts.prefetch("Are you calling about your refund for order 456?");
        await().atMost(Duration.ofSeconds(5)).until(() -> voice.requests() == 1);
        var asked = new java.util.concurrent.CompletableFuture<AudioClip>();
        Thread.ofVirtual().start(() -> asked.complete(prompts.get("Are you calling about your refund for order 456?")));
        assertThat(asked).as("waits for the synthesis under way").isNotDone();
        voice.release.countDown();
        assertThat(asked.get(5, TimeUnit.SECONDS).frames()).hasSize(50);
        assertThat(voice.requests()).isEqualTo(1);
        assertThat(prompts.get("Are you calling about your refund for order 456?")).isSameAs(asked.get());
        assertThat(voice.requests()).isEqualTo(1);
    }

    @Test
    void theConfirmPromptIsSynthesisedAsSoonAsThePredictionIsKnown() {
        var voice = new GatedVoice();
        voice.release.countDown();
        var prompts = new Prompts(new SpeechSynthesizer(voice));
        var flow = new Flow("hotline", "hotline.yml", "greet", Map.<String, Step>of(
                "greet", new Step.Say("greet", 1, "Thank you for calling.", "confirm"),
                "confirm", new Step.Confirm("confirm", 2, "{{prediction.phrase}} Please say yes or no.", "q", "ask", "ask", Duration.ofSeconds(5)),
                "ask", new Step.Ask("ask", 3, "Hello {{customer.first_name}}, why are you calling?", "q", "q", Duration.ofSeconds(5), 0.5),
                "later", new Step.Say("later", 4, "You chose {{reason}}.", "q"),
                "q", new Step.Hangup("q", 5)), Duration.ZERO);
        var lookup = new CallContext.Lookup(Optional.of(new Customer(1, "+15550100", "Alice", "Smith", "gold")),
                Optional.of(new Prediction("refund", 0.9, "Are you calling about your refund for order 456?", 7)));

        PromptsAhead.forCaller(flow, lookup, prompts);

        await().atMost(Duration.ofSeconds(5)).until(() -> voice.texts.size() == 2);
        assertThat(voice.texts).containsExactlyInAnyOrder("Are you calling about your refund for order 456? Please say yes or no.",
                "Hello Alice, why are you calling?");
        prompts.get("Are you calling about your refund for order 456? Please say yes or no.");
        assertThat(voice.requests()).as("the flow's own request is served by the prefetch").isEqualTo(2);
    }

    @Test
    void anUnknownCallerHasNothingPrefetched() {
        var voice = new GatedVoice();
        var prompts = new Prompts(new SpeechSynthesizer(voice));
        var flow = new Flow("hotline", "hotline.yml", "confirm", Map.<String, Step>of(
                "confirm", new Step.Confirm("confirm", 2, "{{prediction.phrase}} Please say yes or no.", "q", "q", "q", Duration.ofSeconds(5)),
                "q", new Step.Hangup("q", 5)), Duration.ZERO);
        PromptsAhead.forCaller(flow, new CallContext.Lookup(Optional.empty(), Optional.empty()), prompts);
        assertThat(voice.requests()).isZero();
    }

    @Test
    void theCacheHoldsAtMostItsBoundAndAnEvictedSentenceIsSpokenAgainOnRequest() {
        var voice = new GatedVoice();
        voice.release.countDown();
        var prompts = new Prompts(new SpeechSynthesizer(voice), 3);
        for (int i = 0; i < 50; i++) assertThat(prompts.get("Your order number is " + i + ".").frames()).hasSize(50);
        assertThat(voice.requests()).isEqualTo(50);
        assertThat(prompts.cached()).as("bounded, not stopped: it still caches, up to 3").isEqualTo(3);
        for (int i = 0; i < 50; i++) assertThat(prompts.get("Your order number is " + i + ".").frames()).hasSize(50);
        assertThat(voice.requests()).as("at most 3 served from the cache, the 47 or more evicted are spoken again").isGreaterThanOrEqualTo(97);
        assertThat(prompts.cached()).isLessThanOrEqualTo(3);
    }

    @Test
    void aNewSentenceIsStillCachedAfterThousandsOfOneOffSentences() {
        var voice = new GatedVoice();
        voice.release.countDown();
        var prompts = new Prompts(new SpeechSynthesizer(voice), 100);
        for (int i = 0; i < 5_000; i++) prompts.get("Hello caller " + i + ".");
        long before = voice.requests();
        AudioClip first = prompts.get("Thank you for calling.");
        assertThat(prompts.get("Thank you for calling.")).as("cached (the old map stopped caching once full)").isSameAs(first);
        assertThat(voice.requests()).isEqualTo(before + 1);
        assertThat(prompts.cached()).isLessThanOrEqualTo(100);
    }

    /** One second of audio per sentence, held back until released; records what it was asked to say. */
    private static final class GatedVoice implements Voice {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicLong requests = new AtomicLong();

        @Override
        public String name() { return "gated"; }

        @Override
        public short[] synthesize(String text) {
            requests.incrementAndGet();
            texts.add(text);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new short[8000];
        }

        @Override
        public long requests() { return requests.get(); }
    }
}
