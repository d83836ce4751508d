package foresight.speech.vad;

import foresight.speech.asr.PhoneSpeech;
import foresight.speech.audio.Resampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Silero VAD v5 on phone-path speech separated by silence. */
class SpeechSegmentsTest {
    static SileroVad vad;

    @BeforeAll
    static void load() throws Exception { vad = new SileroVad(Path.of("target/onnx-models/silero-vad/silero_vad.onnx")); }

    @AfterAll
    static void close() { vad.close(); }

    static float[] toModel(short[] pcm8k) {
        short[] up = Resampler.upsample8to16(pcm8k);
        float[] f = new float[up.length];
        for (int i = 0; i < up.length; i++) f[i] = up[i] / 32768f;
        return f;
    }

    static float[] scaled(short[] pcm) {
        float[] f = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) f[i] = pcm[i] / 32768f;
        return f;
    }

    @ParameterizedTest(name = "at {0} Hz")
    @ValueSource(ints = {8000, 16000})
    void twoSentencesBetweenSilencesAreTwoSegmentsAndTheSilenceIsLeftOut(int rateHz) throws Exception {
        short[] first = PhoneSpeech.say("I lost my card", "en-us"), second = PhoneSpeech.say("please send me a new one", "en-us");
        short[] call = PhoneSpeech.concat(PhoneSpeech.silence(2), first, PhoneSpeech.silence(3), second, PhoneSpeech.silence(2));
        float[] audio = rateHz == 8000 ? scaled(call) : toModel(call);
        List<SpeechSegments.Segment> segments = SpeechSegments.find(vad, audio, rateHz);
        assertThat(segments).hasSize(2);
        long firstStartMs = 2000, secondStartMs = 2000 + first.length / 8 + 3000;
        assertThat(segments.get(0).startMs()).isBetween(firstStartMs - 300, firstStartMs + 300);
        assertThat(segments.get(1).startMs()).isBetween(secondStartMs - 300, secondStartMs + 300);
        long speechMs = segments.stream().mapToLong(s -> s.endMs() - s.startMs()).sum();
        assertThat(speechMs).as("decoded audio, of %d ms", call.length / 8).isLessThan(call.length / 8 / 2);
    }

    @Test
    void silenceAndLowNoiseHaveNoSpeech() {
        float[] noise = new float[16000 * 3];
        var rnd = new java.util.Random(1);
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (rnd.nextGaussian() * 0.002);
        assertThat(SpeechSegments.find(vad, new float[16000 * 3], 16000)).isEmpty();
        assertThat(SpeechSegments.find(vad, noise, 16000)).isEmpty();
        assertThat(SpeechSegments.find(vad, java.util.Arrays.copyOf(noise, 24000), 8000)).isEmpty();
    }

    @Test
    void speechLongerThanTheLimitIsCutIntoPiecesNoLongerThanIt() {
        float[] prob = new float[2000]; // 64 s of speech
        java.util.Arrays.fill(prob, 0.9f);
        prob[700] = 0.6f;
        var segments = SpeechSegments.fromProbabilities(prob, prob.length * 512, 16000);
        assertThat(segments).hasSizeGreaterThan(3);
        for (var s : segments) assertThat(s.endMs() - s.startMs()).isLessThanOrEqualTo(SpeechSegments.MAX_SEGMENT_MS + 2L * SpeechSegments.PAD_MS);
        for (int i = 1; i < segments.size(); i++) assertThat(segments.get(i).start()).isGreaterThanOrEqualTo(segments.get(i - 1).end());
    }

    @Test
    void missingModelFileIsNamed() {
        assertThatThrownBy(() -> new SileroVad(Path.of("target/none/silero_vad.onnx")))
                .isInstanceOf(IOException.class).hasMessageContaining("target/none/silero_vad.onnx");
    }
}
