package foresight.recording.storage;

import foresight.db.transcript.TranscriptRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On a call node that does not transcribe ({@code transcription.enabled: false}) with an object store: moves each
 * closed recording whose transcription waits into the store as soon as the call ends, so a {@code transcribe-worker}
 * on another machine can read it (it takes only jobs whose recording is in the store). A failed upload is retried
 * at the next poll; the recording stays on local disk meanwhile.
 */
public final class RecordingUploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingUploader.class);

    private final TranscriptRepository transcripts;
    private final RecordingStorage storage;
    private final Duration poll;
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile java.util.concurrent.ScheduledFuture<?> schedule;

    public RecordingUploader(TranscriptRepository transcripts, RecordingStorage storage, Duration poll) {
        this.transcripts = transcripts;
        this.storage = storage;
        this.poll = poll;
    }

    /** Uploads what waits, then looks again {@code poll} after the queue ran dry, on the server's {@code timers}. */
    public RecordingUploader start(java.util.concurrent.ScheduledExecutorService timers) {
        schedule = timers.scheduleWithFixedDelay(() -> {
            try {
                while (running && uploadWaiting() > 0) { /* a full batch went up: there may be more */ }
            } catch (RuntimeException e) { // an exception would cancel the schedule: log it and look again next time
                log.warn("event=recording_upload_poll_failed error={}", e.toString());
            }
        }, 0, poll.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** Uploads what waits now; returns how many went up. */
    public int uploadWaiting() {
        int n = 0;
        for (var r : transcripts.queuedLocalRecordings(20)) {
            try {
                String location = storage.archive(r.callId(), Path.of(r.path()));
                if (!location.equals(r.path())) transcripts.recordingMoved(r.callId(), location);
                uploaded.incrementAndGet();
                n++;
            } catch (java.io.IOException | RuntimeException e) {
                failures.incrementAndGet();
                log.warn("call={} event=recording_upload_failed store={} path={} error={}", r.callId(), storage.describe(), r.path(), e.toString());
            }
        }
        return n;
    }

    public long uploaded() { return uploaded.get(); }

    public long failures() { return failures.get(); }

    @Override
    public void close() {
        running = false;
        var s = schedule;
        if (s != null) s.cancel(false);
    }
}
