package foresight.flows.run;

import foresight.db.call.CallRepository;
import foresight.db.transcript.TranscriptRepository;

import java.time.Instant;
import java.util.Map;

/** The call log in PostgreSQL, written through the server's {@link CallWriter}: off the caller's thread, in order. */
public final class QueuedCallLog implements CallLog {
    private final CallRepository calls;
    private final TranscriptRepository transcripts;
    private final CallWriter writer;

    public QueuedCallLog(CallRepository calls, TranscriptRepository transcripts, CallWriter writer) {
        this.calls = calls;
        this.transcripts = transcripts;
        this.writer = writer;
    }

    @Override
    public void created(String id, String sipCallId, String caller, Instant startedAt, String flow, String version) {
        writer.submit(id, "created", () -> {
            calls.create(id, sipCallId, caller, null, startedAt);
            calls.flow(id, flow, version);
        });
    }

    @Override
    public void recordingOpened(String id, String path, int channels, int sampleRate) {
        writer.submit(id, "recording_opened", () -> {
            transcripts.recordingOpened(id, path, channels, sampleRate);
            calls.recordingPath(id, path);
        });
    }

    @Override public void answered(String id, Instant at) { writer.submit(id, "answered", () -> calls.answered(id, at)); }

    @Override public void customer(String id, long customerId) { writer.submit(id, "customer", () -> calls.customer(id, customerId)); }

    @Override
    public void event(String id, String type, Map<String, ?> detail) {
        Instant at = Instant.now(); // when it happened; the write may come a little later
        writer.submit(id, "event:" + type, () -> calls.event(id, type, detail, at));
    }

    @Override
    public void prediction(String id, String reason, double confidence, String phrase) {
        writer.submit(id, "prediction", () -> calls.prediction(id, reason, confidence, phrase));
    }

    @Override
    public void confirmation(String id, boolean confirmed, String confirmedReason) {
        writer.submit(id, "confirmation", () -> calls.confirmation(id, confirmed, confirmedReason));
    }

    @Override public void reason(String id, String reason, String callerSaid) { writer.submit(id, "reason", () -> calls.reason(id, reason, callerSaid)); }

    @Override public void queued(String id, String queue) { writer.submit(id, "queued", () -> calls.queued(id, queue)); }

    @Override public void agent(String id, long agentId) { writer.submit(id, "agent", () -> calls.agent(id, agentId)); }

    @Override
    public void mediaQuality(String id, long received, long lost, double jitterMs, double mos) {
        writer.submit(id, "media_quality", () -> calls.mediaQuality(id, received, lost, jitterMs, mos));
    }

    @Override
    public void peerReport(String id, long peerLost, double peerJitterMs, Double rttMs) {
        writer.submit(id, "peer_report", () -> calls.peerReport(id, peerLost, peerJitterMs, rttMs));
    }

    @Override
    public void ended(String id, Instant at, String status, String disposition) {
        writer.submit(id, "ended", () -> calls.ended(id, at, status, disposition));
    }

    /** Redacted and cut to what was heard on the writer's thread; dropped (logged, counted) rather than wait when the writer is full. */
    @Override
    public void promptHeard(String id, String text, long startMs, int framesPlayed, int framesTotal) {
        writer.offer(id, "event:prompt", () -> HeardPrompt.of(text, startMs, framesPlayed, framesTotal)
                .ifPresent(p -> calls.event(id, foresight.db.transcript.PlayedPrompt.EVENT, p.detail())));
    }

    @Override
    public void recordingClosed(String id, long durationMs) {
        writer.submit(id, "recording_closed", () -> transcripts.recordingClosed(id, durationMs));
    }
}
