package foresight.flows.run;

import foresight.call.CallControl;
import foresight.media.rtp.ReceptionStats;
import foresight.recording.CallRecorder;
import foresight.recording.RecordingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * One call's row from start to end: created (synchronously: events and the ACD refer to it), answered, recorded
 * through a {@link RecordingTap}, and ended with its media quality, status and disposition. Later writes go
 * through the {@link CallLog}, off the caller's thread. Owned by the call's thread.
 */
final class CallSession {
    private static final Logger log = LoggerFactory.getLogger(CallSession.class);

    /** What every session of this node shares. */
    record Shared(RecordingStore recordings, CallLog calls, LiveCalls live, Clock clock) {}

    private final Shared s;
    private final CallControl call;
    private final boolean live;

    private CallSession(Shared shared, CallControl call, boolean live) {
        this.s = shared;
        this.call = call;
        this.live = live;
    }

    /**
     * Asks for the call row (and its flow) before anything refers to it; {@code live} calls can be monitored. Never
     * waits for the database: the writes go through the call log's one ordered writer, ahead of every later write of
     * this call, so the INVITE is answered whatever PostgreSQL is doing.
     */
    static CallSession open(Shared shared, CallControl call, String sipCallId, String caller, Instant started, String flow, String version,
                            boolean live) {
        var session = new CallSession(shared, call, live);
        if (live) shared.live().add(call);
        shared.calls().created(call.id(), sipCallId, caller, started, flow, version);
        return session;
    }

    String id() { return call.id(); }

    void answered(Instant at) { s.calls().answered(call.id(), at); }

    void event(String type, Map<String, ?> detail) { s.calls().event(call.id(), type, detail); }

    /** Records both sides from now on. A call is never refused because its recording failed; the gap is logged and on the timeline. */
    void startRecording(Instant started) {
        Path path = s.recordings().pathFor(call.id(), started);
        try {
            // Through the same ordered writer as the close, so its row exists before the close is written.
            s.calls().recordingOpened(call.id(), path.toString(), 2, 8000);
            var recorder = new CallRecorder(call.id(), path, durationMs -> s.calls().recordingClosed(call.id(), durationMs));
            var tap = new RecordingTap(recorder, (text, at, played, total) -> s.calls().promptHeard(call.id(), text, at, played, total));
            if (live) s.live().recording(call.id(), tap);
            call.tap(tap);
        } catch (Exception e) {
            log.error("call={} event=recording_failed path={}", call.id(), path, e);
            event("recording_failed", Map.of("error", e.toString()));
        }
    }

    /** The call is over: nothing reaches into it any more, and the line is hung up if the caller has not. */
    /** What the caller's RTP looked like, and what their RTCP said of ours. */
    void mediaQuality() {
        var rx = call.callerReception();
        double mos = ReceptionStats.mos(rx);
        s.calls().mediaQuality(call.id(), rx.received(), rx.lost(), rx.jitterMs(), mos);
        var peer = call.callerPeerReport();
        if (peer != null) s.calls().peerReport(call.id(), peer.cumulativeLost(), peer.jitterMs(), peer.rttMs() < 0 ? null : peer.rttMs());
        log.info("call={} event=media_quality received={} lost={} jitter_ms={} mos={} peer_lost={} peer_jitter_ms={} rtt_ms={}", call.id(),
                rx.received(), rx.lost(), String.format("%.1f", rx.jitterMs()), String.format("%.2f", mos),
                peer == null ? "-" : peer.cumulativeLost(), peer == null ? "-" : String.format("%.1f", peer.jitterMs()),
                peer == null || peer.rttMs() < 0 ? "-" : String.format("%.1f", peer.rttMs()));
    }

    /**
     * The timeline's last entry, then the row's end: whoever sees the row ended finds the whole timeline. Never
     * throws: the call is over whatever the database says.
     */
    void ended(Disposition disposition) {
        try {
            event("ended", Map.of("status", disposition.status(), "disposition", disposition.code()));
            s.calls().ended(call.id(), s.clock().instant(), disposition.status(), disposition.code());
        } catch (RuntimeException e) {
            log.error("call={} event=call_row_update_failed", call.id(), e);
        }
    }
}
