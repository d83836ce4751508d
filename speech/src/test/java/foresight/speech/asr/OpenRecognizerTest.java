package foresight.speech.asr;

import foresight.speech.vad.SileroVad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Moonshine behind the Silero VAD on phone-path (8 kHz G.711) speech: live listening and recordings. */
class OpenRecognizerTest {
    static OpenRecognizer open;

    @BeforeAll
    static void load() throws Exception {
        Path models = Path.of("target/onnx-models");
        open = new OpenRecognizer(new MoonshineRecognizer(models.resolve("moonshine/base"), models.resolve("moonshine/tokens.txt")),
                new SileroVad(models.resolve("silero-vad/silero_vad.onnx")));
    }

    @AfterAll
    static void close() { open.close(); }

    static LinkedBlockingQueue<short[]> frames(short[] pcm) {
        var q = new LinkedBlockingQueue<short[]>();
        for (int off = 0; off + 160 <= pcm.length; off += 160) q.add(Arrays.copyOfRange(pcm, off, off + 160));
        return q;
    }

    @Test
    void anAnswerIsRecognisedOnceTheCallerStopsAndSpeechStartIsSignalledOnce() throws Exception {
        short[] answer = PhoneSpeech.say("I would like a refund for my order", "en-us");
        var q = frames(PhoneSpeech.concat(PhoneSpeech.silence(1), answer, PhoneSpeech.silence(1.5), PhoneSpeech.say("and something else", "en-us")));
        AtomicInteger speechStarts = new AtomicInteger();
        Utterance u = open.listen(q, Duration.ofSeconds(5), Duration.ofSeconds(20), () -> false, speechStarts::incrementAndGet);
        assertThat(u.outcome()).isEqualTo(Utterance.Outcome.RECOGNISED);
        assertThat(u.text()).isEqualTo("i would like a refund for my order");
        assertThat(speechStarts).hasValue(1);
        assertThat(q).as("what was said after the pause is left unread").isNotEmpty();
    }

    @Test
    void silenceIsNoInput() throws Exception {
        var q = frames(PhoneSpeech.silence(10));
        AtomicInteger speechStarts = new AtomicInteger();
        Utterance u = open.listen(q, Duration.ofMillis(600), Duration.ofSeconds(5), () -> false, speechStarts::incrementAndGet);
        assertThat(u.outcome()).isEqualTo(Utterance.Outcome.NO_INPUT);
        assertThat(speechStarts).hasValue(0);
    }

    @Test
    void aRecordedChannelIsTranscribedSegmentBySegmentWithWordTimesInsideTheSpeech() throws Exception {
        short[] first = PhoneSpeech.say("I would like a refund for my order", "en-us");
        short[] second = PhoneSpeech.say("thank you goodbye", "en-us");
        short[] channel = PhoneSpeech.concat(PhoneSpeech.silence(3), first, PhoneSpeech.silence(4), second, PhoneSpeech.silence(2));
        List<Word> words = open.transcribe(channel);
        String text = String.join(" ", words.stream().map(Word::word).toList());
        assertThat(text).isEqualTo("i would like a refund for my order thank you goodbye");
        long secondStartMs = 3000 + first.length / 8 + 4000;
        Word firstWord = words.get(0), thank = words.get(8);
        assertThat(firstWord.startMs()).isBetween(2600L, 3300L);
        assertThat(thank.startMs()).isBetween(secondStartMs - 400, secondStartMs + 600);
        for (int i = 1; i < words.size(); i++) assertThat(words.get(i).startMs()).isGreaterThanOrEqualTo(words.get(i - 1).endMs());
    }

    @Test
    void punctuationAndCaseAreNormalisedButNumbersAndAddressesKept() {
        assertThat(OpenRecognizer.normalise("Yes, I'd like a refund. My card is 4111 1111, email: jo.b@x.com!"))
                .isEqualTo("yes i'd like a refund my card is 4111 1111 email jo.b@x.com");
    }
}
