package foresight.flows.run;

import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.call.MonitorMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls live on this node and their recording taps, for what reaches into a call from outside its thread:
 * a supervisor's monitoring leg and pausing the recording. Thread-safe.
 */
final class LiveCalls {
    private static final Logger log = LoggerFactory.getLogger(LiveCalls.class);

    private final ConcurrentHashMap<String, CallControl> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RecordingTap> recordings = new ConcurrentHashMap<>();
    private final CallLog calls;

    LiveCalls(CallLog calls) { this.calls = calls; }

    void add(CallControl call) { live.put(call.id(), call); }

    void recording(String callId, RecordingTap tap) { recordings.put(callId, tap); }

    /** The call ended: neither it nor its recording can be reached any more. */
    void remove(String callId) {
        live.remove(callId);
        recordings.remove(callId);
    }

    /**
     * A supervisor listens in on a live call of this node from their phones ({@code contacts}); returns at once,
     * false if the call is not live here. The monitoring leg and its end are on the call's timeline.
     */
    boolean monitor(String callId, List<String> contacts, MonitorMode mode, String by) {
        CallControl call = live.get(callId);
        if (call == null || call.isEnded() || contacts.isEmpty()) return false;
        Thread.ofVirtual().name("monitor-" + callId).start(() -> {
            calls.event(call.id(), "monitor_ringing", Map.of("by", by, "mode", mode.name()));
            boolean answered;
            try {
                answered = call.monitor(contacts, mode, Duration.ofSeconds(30));
            } catch (CallEndedException e) {
                answered = false;
            }
            calls.event(call.id(), answered ? "monitor_ended" : "monitor_not_answered", Map.of("by", by, "mode", mode.name()));
        });
        return true;
    }

    /**
     * Pauses or resumes the recording of a live call (flow node {@code record}, or the API for an agent taking card
     * details). Leaves silence and a marker with the position in the recording. False if the call is not live here.
     */
    boolean pauseRecording(String callId, boolean pause, String by) {
        RecordingTap tap = recordings.get(callId);
        if (tap == null) return false;
        if (tap.paused == pause) return true;
        tap.paused = pause;
        log.info("call={} event=recording_{} at_ms={} by={}", callId, pause ? "paused" : "resumed", tap.positionMs(), by);
        calls.event(callId, pause ? "recording_paused" : "recording_resumed", Map.of("at_ms", tap.positionMs(), "by", by));
        return true;
    }
}
