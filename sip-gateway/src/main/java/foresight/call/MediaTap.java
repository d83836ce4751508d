package foresight.call;

/**
 * Sees every 20 ms of a call as two aligned frames: what the caller sent and what the caller heard
 * (prompt, music or agent). Used by the recorder. Called on the pacer thread: copy and hand off, never block.
 */
public interface MediaTap {
    void onFrame(short[] fromCaller, short[] toCaller);

    /** A queued clip starts playing: its first frame is the {@code toCaller} of the next {@link #onFrame}. */
    default void onClipStarted(AudioClip clip) {}

    /**
     * The clip that last started stopped after {@code framesPlayed} frames: played to the end, cut short (barge-in,
     * stopped) or the call ended. For a looped clip the count runs over its length.
     */
    default void onClipEnded(AudioClip clip, int framesPlayed) {}

    /** Called once when the call's media stops. */
    void onClose();
}
