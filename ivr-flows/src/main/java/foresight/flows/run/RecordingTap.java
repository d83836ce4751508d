package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.call.MediaTap;
import foresight.recording.CallRecorder;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the recorder hears: both sides, or silence on both while paused (card capture), so the file keeps the
 * call's timeline. The pacer writes frames; pause/resume come from the flow or the API. Each prompt the caller
 * heard is reported with its place in the recording, so the transcript stores its text instead of recognising it.
 */
final class RecordingTap implements MediaTap {
    /** Where a prompt went in the recording; must not block (called on the pacer). */
    @FunctionalInterface
    interface PromptListener {
        void heard(String text, long startMs, int framesPlayed, int framesTotal);
    }

    private record Started(AudioClip clip, long atMs) {}

    private final CallRecorder recorder;
    private final PromptListener prompts;
    volatile boolean paused; // written by the flow's thread or the API
    private volatile long frames; // written by the pacer only
    private final short[] silence = new short[160];
    private final AtomicReference<Started> started = new AtomicReference<>(); // the pacer; the call's close may end it once

    RecordingTap(CallRecorder recorder, PromptListener prompts) {
        this.recorder = recorder;
        this.prompts = prompts;
    }

    @Override
    public void onFrame(short[] fromCaller, short[] toCaller) {
        if (paused) recorder.offer(silence, silence);
        else recorder.offer(fromCaller, toCaller);
        frames = frames + 1;
    }

    /** Prompts only (music has no text); none while paused, as the recording keeps silence then. */
    @Override
    public void onClipStarted(AudioClip clip) {
        started.set(clip.spokenText() != null && !paused ? new Started(clip, positionMs()) : null);
    }

    @Override
    public void onClipEnded(AudioClip clip, int framesPlayed) {
        Started s = started.get();
        if (s == null || s.clip() != clip || !started.compareAndSet(s, null)) return;
        prompts.heard(clip.spokenText(), s.atMs(), Math.min(framesPlayed, clip.frames().size()), clip.frames().size());
    }

    @Override
    public void onClose() { recorder.close(); }

    long positionMs() { return frames * 20; }
}
