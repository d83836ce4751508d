package foresight.flows.run;

import java.time.Instant;
import java.util.Map;

/**
 * What a call's run writes about the call while it goes on: the call row's later columns and the timeline. The
 * run never reads these back, so they may be written after the method returns ({@link QueuedCallLog}); in the
 * order they were asked for. Fakes keep them in memory for unit tests.
 */
public interface CallLog {
    /** The call row with the flow it runs: every call's first write. */
    void created(String callId, String sipCallId, String caller, Instant startedAt, String flow, String version);

    /** The call's recording is open at {@code path}: its row (a crash finds it open) and the call row's pointer to it. */
    void recordingOpened(String callId, String path, int channels, int sampleRate);

    void answered(String callId, Instant at);

    void customer(String callId, long customerId);

    /** One timeline entry; {@code detail} is immutable. */
    void event(String callId, String type, Map<String, ?> detail);

    void prediction(String callId, String reason, double confidence, String phrase);

    void confirmation(String callId, boolean confirmed, String confirmedReason);

    void reason(String callId, String reason, String callerSaid);

    void queued(String callId, String queue);

    void agent(String callId, long agentId);

    void mediaQuality(String callId, long received, long lost, double jitterMs, double mos);

    void peerReport(String callId, long peerLost, double peerJitterMs, Double rttMs);

    void ended(String callId, Instant at, String status, String disposition);

    /**
     * The caller heard a prompt: {@code framesPlayed} of its {@code framesTotal} 20 ms frames from {@code startMs} into
     * the recording (the transcript stores its text instead of recognising it). Called on the media pacer: returns at
     * once, never blocks.
     */
    void promptHeard(String callId, String text, long startMs, int framesPlayed, int framesTotal);

    /** The recording's file is closed after {@code durationMs}: it may be transcribed. */
    void recordingClosed(String callId, long durationMs);
}
