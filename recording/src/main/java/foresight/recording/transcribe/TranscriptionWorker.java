package foresight.recording.transcribe;

import foresight.db.transcript.Segment;
import foresight.db.transcript.TranscriptRepository;
import foresight.db.transcript.TranscriptionJob;
import foresight.recording.wav.WavReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes transcription jobs from PostgreSQL (any node may run one) and turns each stereo recording into a
 * dialogue: left channel = caller, right = agent/IVR, each cut into segments at pauses. Failures are retried
 * up to {@code maxAttempts}. Runs on its own virtual thread until closed.
 */
public final class TranscriptionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TranscriptionWorker.class);
    private static final long SEGMENT_GAP_MS = 800;

    private final TranscriptRepository repository;
    private final ChannelTranscriber transcriber;
    private final Duration pollInterval;
    private final int maxAttempts;
    private volatile boolean running = true;
    private Thread thread;

    public TranscriptionWorker(TranscriptRepository repository, ChannelTranscriber transcriber, Duration pollInterval, int maxAttempts) {
        this.repository = repository;
        this.transcriber = transcriber;
        this.pollInterval = pollInterval;
        this.maxAttempts = maxAttempts;
    }

    public TranscriptionWorker start() {
        thread = Thread.ofVirtual().name("transcription-worker").start(this::run);
        return this;
    }

    private void run() {
        while (running) {
            try {
                if (!runOnce()) Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event=transcription_poll_failed", e);
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Processes one job if there is one; returns whether it did. */
    public boolean runOnce() {
        var claimed = repository.claim(maxAttempts);
        if (claimed.isEmpty()) return false;
        TranscriptionJob job = claimed.get();
        long t0 = System.nanoTime();
        try {
            var audio = WavReader.read(Path.of(job.recordingPath()));
            List<Segment> segments = new ArrayList<>();
            String[] names = {"caller", "agent"};
            for (int c = 0; c < Math.min(2, audio.channels().length); c++) {
                segments.addAll(segments(names[c], transcriber.transcribe(audio.channels()[c])));
            }
            segments.sort(Comparator.comparingLong(Segment::startMs));
            repository.complete(job, segments);
            log.info("call={} event=transcribed segments={} ms={}", job.callId(), segments.size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            log.warn("call={} event=transcription_failed attempt={} error={}", job.callId(), job.attempts(), e.toString());
            repository.fail(job, e.toString(), maxAttempts);
        }
        return true;
    }

    /** Groups words into segments, starting a new one at every pause longer than {@link #SEGMENT_GAP_MS}. */
    static List<Segment> segments(String channel, List<TimedWord> words) {
        List<Segment> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long start = -1, end = -1;
        for (TimedWord w : words) {
            if (start >= 0 && w.startMs() - end > SEGMENT_GAP_MS) {
                out.add(new Segment(channel, start, end, text.toString()));
                text.setLength(0);
                start = -1;
            }
            if (start < 0) start = w.startMs();
            if (!text.isEmpty()) text.append(' ');
            text.append(w.word());
            end = w.endMs();
        }
        if (start >= 0) out.add(new Segment(channel, start, end, text.toString()));
        return out;
    }

    /** Stops taking jobs; a job in progress gets 10 s to finish before it is interrupted (and later retried). */
    @Override
    public void close() {
        running = false;
        if (thread == null) return;
        try {
            if (!thread.join(Duration.ofSeconds(10))) thread.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        }
    }
}
