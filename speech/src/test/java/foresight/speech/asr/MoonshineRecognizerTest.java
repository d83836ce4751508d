package foresight.speech.asr;

import foresight.speech.audio.Resampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Moonshine base model on speech that went through an 8 kHz G.711 phone path. */
class MoonshineRecognizerTest {
    static final Path MODELS = Path.of("target/onnx-models/moonshine");
    static MoonshineRecognizer moonshine;

    @BeforeAll
    static void load() throws Exception {
        moonshine = new MoonshineRecognizer(MODELS.resolve("base"), MODELS.resolve("tokens.txt"));
    }

    @AfterAll
    static void close() { moonshine.close(); }

    static float[] toModel(short[] pcm8k) {
        short[] up = Resampler.upsample8to16(pcm8k);
        float[] f = new float[up.length];
        for (int i = 0; i < up.length; i++) f[i] = up[i] / 32768f;
        return f;
    }

    @Test
    void phoneQualitySentenceIsTranscribedWordForWord() throws Exception {
        short[] pcm = PhoneSpeech.say("I would like a refund for my order", "en-us");
        String text = moonshine.transcribe(toModel(pcm));
        assertThat(normalise(text)).isEqualTo("i would like a refund for my order");
    }

    @Test
    void anotherVoiceAndLongerSentenceComeThroughNearlyIntact() throws Exception {
        short[] pcm = PhoneSpeech.say("My card was stolen yesterday and I need a new one sent to my home address", "en-gb");
        String text = normalise(moonshine.transcribe(toModel(pcm)));
        assertThat(text).startsWith("my card").contains("stolen yesterday").contains("i need a new one sent to my home address");
    }

    @Test
    void shortAnswerIsNotLostThanksToTheSilencePadding() throws Exception {
        short[] pcm = PhoneSpeech.say("yes", "en-us");
        assertThat(normalise(moonshine.transcribe(toModel(pcm)))).isIn("yes", "yeah"); // espeak-ng's clipped "yes"
    }

    @Test
    void silenceGivesNoWords() {
        assertThat(moonshine.transcribe(new float[16000])).isBlank();
    }

    @Test
    void missingModelFileIsNamed() {
        assertThatThrownBy(() -> new MoonshineRecognizer(Path.of("target/no-such-model"), MODELS.resolve("tokens.txt")))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-model").hasMessageContaining("encoder_model.onnx");
    }

    static String normalise(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").replaceAll("\\s+", " ").trim();
    }
}
