package foresight.call;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A call with no line behind it: answers at once, plays nothing, hears silence, presses no keys, never ends by
 * itself. For simulated callers (the ACD benchmark) and tests; override what the simulation needs, usually
 * {@link #bridge}, {@link #hangUp} and {@link #isEnded}.
 */
public abstract class SilentCall implements CallControl {
    private final String id;

    protected SilentCall(String id) { this.id = id; }

    @Override public String id() { return id; }
    @Override public String sipCallId() { return "sim-" + id; }
    @Override public String callerNumber() { return "+1555" + id; }
    @Override public boolean ringFor(Duration d) { return true; }
    @Override public void answer() { }
    @Override public void play(AudioClip clip) { }

    @Override
    public PlaybackHandle startPlayback(AudioClip clip) {
        return new PlaybackHandle() {
            @Override public void stop() { }
            @Override public boolean await() { return true; }
        };
    }

    @Override public PlaybackHandle startLoop(AudioClip clip) { return startPlayback(clip); }
    @Override public BlockingQueue<short[]> listen() { return new LinkedBlockingQueue<>(); }
    @Override public void stopListening() { }
    @Override public char nextDigit(Duration wait) { return 0; }
    @Override public void clearDigits() { }
    @Override public void tap(MediaTap tap) { }
    @Override public void hangUp(String reason) { }
    @Override public boolean isEnded() { return false; }
    @Override public foresight.media.rtp.RtpSession.PeerReport callerPeerReport() { return null; }
    @Override public foresight.media.rtp.ReceptionStats.Snapshot callerReception() { return new foresight.media.rtp.ReceptionStats.Snapshot(0, 0, 0); }
}
