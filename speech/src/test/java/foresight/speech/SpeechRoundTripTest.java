package foresight.speech;

import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.asr.Utterance;
import foresight.speech.tts.SpeechSynthesizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The real voice and the real model: what FreeTTS says at 8 kHz, Vosk hears. */
class SpeechRoundTripTest {
    static SpeechRecognizer asr;
    static SpeechSynthesizer tts;

    @BeforeAll
    static void load() throws Exception {
        asr = new SpeechRecognizer(Path.of("target/model-unpacked/assets/model-en-us"), 2);
        tts = new SpeechSynthesizer();
    }

    @AfterAll
    static void close() { asr.close(); }

    private static LinkedBlockingQueue<short[]> frames(short[] pcm, int silenceFramesAfter) {
        var q = new LinkedBlockingQueue<short[]>();
        for (int off = 0; off + 160 <= pcm.length; off += 160) q.add(java.util.Arrays.copyOfRange(pcm, off, off + 160));
        for (int i = 0; i < silenceFramesAfter; i++) q.add(new short[160]);
        return q;
    }

    @Test
    void synthesisedGreetingIsRecognisedAtPhoneRateWithWordTimings() throws Exception {
        short[] pcm = tts.synthesize("Thank you for calling. Hello Alice.");
        assertThat(pcm.length).as("over a second at 8 kHz").isGreaterThan(8000);
        var words = asr.transcribe(pcm);
        assertThat(words).extracting(w -> w.word()).containsSubsequence("thank", "you", "for", "calling", "alice");
        assertThat(words.getLast().endMs()).isGreaterThan(words.getFirst().startMs());
    }

    @Test
    void liveListenReturnsTheSpokenYes() {
        Utterance u = asr.listen(frames(tts.synthesize("yes"), 100), Duration.ofSeconds(3), Duration.ofSeconds(5), () -> false);
        assertThat(u.outcome()).isEqualTo(Utterance.Outcome.RECOGNISED);
        assertThat(foresight.speech.intent.YesNo.classify(u.text())).isEqualTo(foresight.speech.intent.YesNo.Answer.YES);
    }

    @Test
    void silenceGivesNoInput() {
        Utterance u = asr.listen(frames(new short[0], 100), Duration.ofMillis(500), Duration.ofSeconds(5), () -> false);
        assertThat(u.outcome()).isEqualTo(Utterance.Outcome.NO_INPUT);
    }

    @Test
    void aLiveListenDecodesOffTheCallersVirtualThreadSoItsCarrierStaysFree() throws Exception {
        var decodedOn = new java.util.concurrent.atomic.AtomicReference<Thread>();
        var result = new java.util.concurrent.atomic.AtomicReference<Utterance>();
        Thread caller = Thread.ofVirtual().start(() -> result.set(asr.listen(frames(tts.synthesize("yes"), 100), Duration.ofSeconds(3),
                Duration.ofSeconds(5), () -> { decodedOn.compareAndSet(null, Thread.currentThread()); return false; })));
        caller.join(Duration.ofSeconds(30));
        assertThat(result.get().outcome()).isEqualTo(Utterance.Outcome.RECOGNISED);
        assertThat(decodedOn.get().isVirtual()).as("decoded on %s", decodedOn.get()).isFalse();
        assertThat(decodedOn.get().getName()).startsWith("asr-live-");
    }

    @Test
    void aCallerInterruptedWhileListeningGetsInterruptedAndGivesItsRecogniserBack() throws Exception {
        var listening = new java.util.concurrent.CountDownLatch(1);
        var result = new java.util.concurrent.atomic.AtomicReference<Utterance>();
        Thread caller = Thread.ofVirtual().start(() -> result.set(asr.listen(new LinkedBlockingQueue<>(), Duration.ofSeconds(20),
                Duration.ofSeconds(30), () -> { listening.countDown(); return false; })));
        assertThat(listening.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(asr.availableRecognisers()).isEqualTo(1);
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));
        assertThat(result.get().outcome()).isEqualTo(Utterance.Outcome.INTERRUPTED);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (asr.availableRecognisers() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(asr.availableRecognisers()).as("the decoder ended and released its permit").isEqualTo(2);
    }

    @Test
    void theHealthCheckCreatesARecogniserAndDecodesSilence() {
        assertThat(asr.decodesSilence()).isTrue();
        assertThat(asr.availableRecognisers()).as("the check does not hold a live recogniser").isEqualTo(2);
    }
}
