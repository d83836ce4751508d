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
    void aRealVoiceSayingOneWordIsNotDroppedWhenTheModelHesitatesToStart() throws Exception {
        // Free Spoken Digit Dataset (a person, 8 kHz): "one" came back empty before the first-step rule in decode.
        Path wav = Path.of("../../shared/data/fsdd/1_george_3.wav");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(wav), "FSDD not found at " + wav.toAbsolutePath());
        short[] pcm;
        try (var in = javax.sound.sampled.AudioSystem.getAudioInputStream(wav.toFile())) {
            byte[] b = in.readAllBytes();
            pcm = new short[b.length / 2];
            java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        }
        assertThat(normalise(moonshine.transcribe(toModel(pcm)))).isEqualTo("one");
    }

    @Test
    void noiseAClickAndAToneGiveNoWords() {
        var random = new java.util.Random(1);
        float[] noise = new float[16000], click = new float[16000], tone = new float[16000];
        for (int i = 0; i < 16000; i++) {
            noise[i] = (float) (random.nextGaussian() * 0.05);
            tone[i] = (float) (0.2 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
        }
        for (int i = 4000; i < 6000; i++) click[i] = (float) (random.nextGaussian() * 0.5 * Math.exp(-(i - 4000) / 500.0));
        assertThat(moonshine.transcribe(noise)).as("white noise").isBlank();
        assertThat(moonshine.transcribe(click)).as("a click").isBlank();
        assertThat(moonshine.transcribe(tone)).as("a 440 Hz tone").isBlank();
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
