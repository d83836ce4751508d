package foresight.speech.tts;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Festival with the HTS us-slt voice as a real external process (Debian festival, festvox-us-slt-hts; scripts/install-test-tools). */
class FestivalVoiceTest {
    static FestivalVoice slt;

    @BeforeAll
    static void start() throws IOException {
        slt = FestivalVoice.slt(1);
    }

    @AfterAll
    static void stop() {
        if (slt != null) slt.close();
    }

    @Test
    void sltSpeaksASentenceAsEightKilohertzSpeechOfPlausibleLength() {
        short[] pcm = slt.synthesize("Are you calling about your refund for order 456?");
        double seconds = pcm.length / 8000.0; // the reader rejects anything but 8000 Hz mono 16 bit
        assertThat(seconds).as("about 4 s of speech at 8 kHz").isBetween(2.0, 7.0);
        assertThat(rms(pcm)).as("speech, not silence").isGreaterThan(300);
        assertThat(voicedShare(pcm)).as("share of 20 ms frames with speech energy").isGreaterThan(0.5);
    }

    @Test
    void oneProcessServesFiftyPromptsWithoutBeingRestarted() {
        List<Long> before = slt.pids();
        int startedBefore = slt.processesStarted();
        long requestsBefore = slt.requests();
        for (int i = 1; i <= 50; i++) assertThat(slt.synthesize("Your balance is " + i + " dollars.").length).as("prompt " + i).isGreaterThan(4000);
        assertThat(slt.pids()).isEqualTo(before).hasSize(1);
        assertThat(slt.processesStarted()).isEqualTo(startedBefore);
        assertThat(slt.requests() - requestsBefore).isEqualTo(50);
    }

    @Test
    void aKilledFestivalProcessIsReplacedAndTheNextSentenceIsStillSpoken() throws Exception {
        long pid = slt.pids().getFirst();
        int startedBefore = slt.processesStarted();
        ProcessHandle festival = ProcessHandle.of(pid).orElseThrow();
        festival.destroyForcibly();
        festival.onExit().get(10, TimeUnit.SECONDS);
        short[] pcm = slt.synthesize("Thank you for calling Foresight Bank.");
        assertThat(rms(pcm)).isGreaterThan(300);
        assertThat(slt.pids()).hasSize(1).doesNotContain(pid);
        assertThat(slt.processesStarted()).isEqualTo(startedBefore + 1);
    }

    @Test
    void quotesBackslashesAndLineBreaksInTheTextAreSpokenNotEvaluated() {
        short[] pcm = slt.synthesize("He said \"refund\" \\ then (quit)\nand hung up.");
        assertThat(pcm.length / 8000.0).isGreaterThan(1.0);
        assertThat(slt.pids()).hasSize(1);
    }

    @Test
    void aVoiceThatIsNotInstalledFailsWithItsName() {
        assertThatThrownBy(() -> new FestivalVoice("festival", "voice_not_installed_here", 1, Duration.ofSeconds(30)))
                .isInstanceOf(IOException.class).hasMessageContaining("voice_not_installed_here");
    }

    @Test
    void withoutFestivalTheConfiguredSltVoiceFallsBackToKevin16() {
        try (var tts = SpeechSynthesizer.open("festival-slt", "/nonexistent/festival")) {
            assertThat(tts.voice()).isEqualTo("kevin16");
            assertThat(tts.synthesize("Hello.").length).isGreaterThan(1000);
        }
    }

    @Test
    void anUnknownVoiceNameIsAClearError() {
        assertThatThrownBy(() -> SpeechSynthesizer.open("robot")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("speech.voice must be one of festival-slt, kevin16, was 'robot'");
    }

    static double rms(short[] pcm) {
        double acc = 0;
        for (short s : pcm) acc += (double) s * s;
        return pcm.length == 0 ? 0 : Math.sqrt(acc / pcm.length);
    }

    static double voicedShare(short[] pcm) {
        int frames = pcm.length / 160, voiced = 0;
        for (int f = 0; f < frames; f++) {
            double acc = 0;
            for (int i = f * 160; i < (f + 1) * 160; i++) acc += (double) pcm[i] * pcm[i];
            if (Math.sqrt(acc / 160) > 200) voiced++;
        }
        return frames == 0 ? 0 : (double) voiced / frames;
    }
}
