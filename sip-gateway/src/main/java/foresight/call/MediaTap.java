package foresight.call;

/**
 * Sees every 20 ms of a call as two aligned frames: what the caller sent and what the caller heard
 * (prompt, music or agent). Used by the recorder. Called on the pacer thread: copy and hand off, never block.
 */
public interface MediaTap {
    void onFrame(short[] fromCaller, short[] toCaller);

    /** Called once when the call's media stops. */
    void onClose();
}
