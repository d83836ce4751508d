package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.recording.CallRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecordingTapTest {
    @TempDir Path dir;
    final List<String> heard = new ArrayList<>();

    RecordingTap tap() throws Exception {
        var recorder = new CallRecorder("tap", dir.resolve("tap.wav"), ms -> { });
        return new RecordingTap(recorder, (text, at, played, total) -> heard.add(text + "@" + at + ":" + played + "/" + total));
    }

    static void frames(RecordingTap tap, int n) { for (int i = 0; i < n; i++) tap.onFrame(new short[160], new short[160]); }

    @Test
    void aPromptIsReportedWithItsPlaceInTheRecordingAndHowMuchWasHeard() throws Exception {
        var tap = tap();
        var clip = AudioClip.spoken("In a few words, why are you calling?", new short[160 * 100]);
        frames(tap, 25); // half a second of something else first
        tap.onClipStarted(clip);
        frames(tap, 40);
        tap.onClipEnded(clip, 40); // the caller barged in
        tap.onClipEnded(clip, 40); // the call's close may report it again: once is enough
        tap.onClose();
        assertThat(heard).containsExactly("In a few words, why are you calling?@500:40/100");
    }

    @Test
    void musicAndPromptsPlayedWhileTheRecordingIsPausedAreNotReported() throws Exception {
        var tap = tap();
        var music = AudioClip.of("hold-music", new short[160 * 10]);
        tap.onClipStarted(music);
        frames(tap, 10);
        tap.onClipEnded(music, 10);
        tap.paused = true;
        var prompt = AudioClip.spoken("Please enter your card number.", new short[160 * 10]);
        tap.onClipStarted(prompt);
        frames(tap, 10);
        tap.onClipEnded(prompt, 10);
        tap.onClose();
        assertThat(heard).isEmpty();
    }
}
