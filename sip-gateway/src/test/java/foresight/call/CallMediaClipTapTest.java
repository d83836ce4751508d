package foresight.call;

import foresight.media.rtp.RtpEngine;
import foresight.media.rtp.RtpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tap learns when each clip starts and how much of it was played, frame-exact, by ticking the media by hand. */
class CallMediaClipTapTest {
    private final RtpEngine rtp = new RtpEngine("127.0.0.1", 40900, 40920, 1);
    private RtpSession caller, far;
    private CallMedia media;
    private final List<String> seen = new ArrayList<>(); // "frame", "start:NAME", "end:NAME:FRAMES"

    @BeforeEach
    void open() {
        caller = rtp.open();
        far = rtp.open();
        caller.configure(new InetSocketAddress("127.0.0.1", far.localPort()), 0, 101);
        media = new CallMedia("tap-test", caller, Duration.ofMinutes(1), Duration.ofMinutes(1), reason -> { });
        media.tap(new MediaTap() {
            @Override public void onFrame(short[] fromCaller, short[] toCaller) { seen.add("frame"); }
            @Override public void onClipStarted(AudioClip clip) { seen.add("start:" + clip.name()); }
            @Override public void onClipEnded(AudioClip clip, int framesPlayed) { seen.add("end:" + clip.name() + ":" + framesPlayed); }
            @Override public void onClose() { seen.add("close"); }
        });
    }

    @AfterEach
    void close() {
        caller.close();
        far.close();
        rtp.close();
    }

    static AudioClip spoken(String text, int frames) { return AudioClip.spoken(text, new short[160 * frames]); }

    @Test
    void aClipPlayedToTheEndIsReportedBeforeItsFirstFrameAndAfterItsLast() {
        media.enqueue(spoken("Hello.", 2), false);
        media.enqueue(spoken("Bye.", 1), false);
        for (int i = 0; i < 5; i++) media.tick();
        assertThat(seen).containsExactly("start:Hello.", "frame", "frame", "end:Hello.:2", "start:Bye.", "frame", "end:Bye.:1", "frame", "frame");
    }

    @Test
    void aClipCutShortIsReportedWithTheFramesTheCallerHeard() {
        media.enqueue(spoken("A long question?", 50), false);
        for (int i = 0; i < 3; i++) media.tick();
        media.stopPlayback(); // barge-in
        media.tick();
        assertThat(seen).containsExactly("start:A long question?", "frame", "frame", "frame", "end:A long question?:3", "frame");
    }

    @Test
    void aClipStillPlayingWhenTheCallEndsIsReportedBeforeTheTapCloses() {
        media.enqueue(spoken("Goodbye.", 50), false);
        media.enqueue(spoken("Never played.", 5), false);
        media.tick();
        media.close();
        assertThat(seen).containsExactly("start:Goodbye.", "frame", "end:Goodbye.:1", "close");
    }

    @Test
    void spokenClipsCarryTheirTextAndOthersNone() {
        assertThat(spoken("Please hold.", 1).spokenText()).isEqualTo("Please hold.");
        assertThat(AudioClip.of("hold-music", new short[160]).spokenText()).isNull();
    }
}
