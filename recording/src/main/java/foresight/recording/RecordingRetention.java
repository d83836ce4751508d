package foresight.recording;

import foresight.db.transcript.TranscriptRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes the audio of calls that ended more than {@code days} ago (and any kept unredacted original), hourly.
 * The call row, its timeline, transcript and QA results stay; the recording is marked {@code audio_deleted_at}.
 */
public final class RecordingRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingRetention.class);

    private final TranscriptRepository repository;
    private final Duration keep;
    private final Clock clock;
    private volatile java.util.concurrent.ScheduledFuture<?> schedule;

    private final foresight.recording.storage.RecordingStorage storage;

    public RecordingRetention(TranscriptRepository repository, int days, Clock clock) {
        this(repository, days, clock, new foresight.recording.storage.LocalStorage());
    }

    /** Deletes through {@code storage}, so recordings moved to S3 are deleted there (local paths still from disk). */
    public RecordingRetention(TranscriptRepository repository, int days, Clock clock, foresight.recording.storage.RecordingStorage storage) {
        if (days <= 0) throw new IllegalArgumentException("retention needs a positive number of days");
        this.storage = storage;
        this.repository = repository;
        this.keep = Duration.ofDays(days);
        this.clock = clock;
    }

    /** Deletes what has expired at {@code now}; returns how many recordings it deleted. */
    public int runOnce(Instant now) {
        int deleted = 0;
        while (true) {
            var batch = repository.expiredRecordings(now.minus(keep), 500);
            if (batch.isEmpty()) return deleted;
            for (var r : batch) {
                String wav = r.path();
                try {
                    storage.delete(wav);
                    repository.audioDeleted(r.callId());
                    deleted++;
                    log.info("call={} event=recording_deleted reason=retention days={}", r.callId(), keep.toDays());
                } catch (IOException e) {
                    log.warn("call={} event=recording_delete_failed path={} error={}", r.callId(), wav, e.toString());
                    repository.audioDeleted(r.callId()); // do not retry forever; the warning says what is left on disk
                }
            }
        }
    }

    /** Deletes what has expired now and then every hour, on the server's {@code timers}. */
    public RecordingRetention start(java.util.concurrent.ScheduledExecutorService timers) {
        schedule = timers.scheduleWithFixedDelay(() -> {
            try {
                runOnce(clock.instant());
            } catch (RuntimeException e) { // an exception would cancel the schedule: log it and try again in an hour
                log.error("event=retention_failed", e);
            }
        }, 0, 1, java.util.concurrent.TimeUnit.HOURS);
        return this;
    }

    @Override
    public void close() {
        var s = schedule;
        if (s != null) s.cancel(false);
    }
}
