package foresight.flows.run;

import foresight.call.MediaTap;
import foresight.recording.CallRecorder;

/**
 * What the recorder hears: both sides, or silence on both while paused (card capture), so the file keeps the
 * call's timeline. The pacer writes frames; pause/resume come from the flow or the API.
 */
final class RecordingTap implements MediaTap {
    private final CallRecorder recorder;
    volatile boolean paused; // written by the flow's thread or the API
    private volatile long frames; // written by the pacer only
    private final short[] silence = new short[160];

    RecordingTap(CallRecorder recorder) { this.recorder = recorder; }

    @Override
    public void onFrame(short[] fromCaller, short[] toCaller) {
        if (paused) recorder.offer(silence, silence);
        else recorder.offer(fromCaller, toCaller);
        frames = frames + 1;
    }

    @Override
    public void onClose() { recorder.close(); }

    long positionMs() { return frames * 20; }
}
