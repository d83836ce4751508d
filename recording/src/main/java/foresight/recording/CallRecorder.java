package foresight.recording;

import foresight.recording.wav.WavWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Records one call as a stereo WAV (left = caller, right = what the caller heard: prompts, music, agent).
 * {@link #offer} is called by the media pacer and never blocks; a virtual thread owned by this recorder writes
 * the file and flushes it every second, so a crash loses at most a second.
 */
public final class CallRecorder {
    private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);
    private static final int FLUSH_EVERY_FRAMES = 50; // 1 s of 20 ms frames
    private static final short[][] END = new short[0][];

    private final String callId;
    private final WavWriter writer;
    private final ArrayBlockingQueue<short[][]> frames = new ArrayBlockingQueue<>(3000); // pacer writes, recorder thread reads
    private final LongConsumer onClosed;
    private final Thread thread;
    private volatile long framesDropped;

    public CallRecorder(String callId, Path file, LongConsumer onClosed) throws IOException {
        this.callId = callId;
        this.writer = new WavWriter(file, 2, 8000);
        this.onClosed = onClosed;
        this.thread = Thread.ofVirtual().name("recorder-" + callId).start(this::run);
    }

    public Path path() { return writer.path(); }

    /** Copies and queues one aligned frame pair. Never blocks; counts a drop if the writer fell 60 s behind. */
    public void offer(short[] caller, short[] heard) {
        if (!frames.offer(new short[][]{caller.clone(), heard.clone()})) framesDropped++;
    }

    /** Ends the recording after everything queued so far is written. Non-blocking. */
    public void close() {
        while (!frames.offer(END)) frames.poll();
    }

    /** Waits until the file is closed (for tests and shutdown). */
    public boolean awaitClosed(java.time.Duration d) throws InterruptedException {
        return thread.join(d);
    }

    private void run() {
        int sinceFlush = 0;
        try {
            while (true) {
                short[][] f = frames.poll(1, TimeUnit.SECONDS);
                if (f == END) break;
                if (f != null) {
                    writer.appendStereo(f[0], f[1]);
                    if (++sinceFlush < FLUSH_EVERY_FRAMES) continue;
                }
                writer.flush();
                sinceFlush = 0;
            }
        } catch (IOException e) {
            log.error("call={} event=recording_write_failed path={}", callId, writer.path(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer.close();
            log.info("call={} event=recording_closed path={} duration_ms={} dropped_frames={}", callId, writer.path(), writer.durationMs(), framesDropped);
            onClosed.accept(writer.durationMs());
        } catch (Exception e) {
            log.error("call={} event=recording_close_failed path={}", callId, writer.path(), e);
        }
    }
}
