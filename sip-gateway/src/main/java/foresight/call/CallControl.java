package foresight.call;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * What a flow may do with a call. Every method is called from the call's own virtual thread and may block;
 * blocking methods throw {@link CallEndedException} once the caller is gone.
 */
public interface CallControl {
    String id();

    /** The SIP Call-ID of the caller's leg, for matching with traces. */
    String sipCallId();

    /** The caller's number as sent in From (user part), unmasked: for lookups, never for logs. */
    String callerNumber();

    /** The number the caller dialled (user part of the Request-URI); null if unknown. */
    default String dialled() { return null; }

    /** The agent's username when the caller proved to be an agent by digest credentials (feature codes); else null. */
    default String authenticatedAgent() { return null; }

    /** Lets the caller hear ringing (180 was sent) for {@code d} before answering; false if they hung up meanwhile (CANCEL). */
    boolean ringFor(Duration d);

    /** Sends 200 OK and waits for the ACK; media (and the recorder tap) starts flowing. */
    void answer();

    /** Plays the clip and returns when it has been sent in full. */
    void play(AudioClip clip);

    /** Starts playing without waiting; the handle can stop it (barge-in) or wait for its end. */
    PlaybackHandle startPlayback(AudioClip clip);

    /** Plays the clip over and over (music on hold) until stopped, bridged or the call ends. Does not block. */
    PlaybackHandle startLoop(AudioClip clip);

    /** Starts delivering the caller's audio, 20 ms PCM frames at 8 kHz, until {@link #stopListening()}. */
    BlockingQueue<short[]> listen();

    void stopListening();

    /** The next key the caller pressed (RFC 4733), waiting up to {@code wait}; 0 if none. */
    char nextDigit(Duration wait);

    /** Forgets keys pressed so far, e.g. before a new question. */
    void clearDigits();

    /**
     * Rings the agent's phone and, if answered, connects the caller to it until one side hangs up or the agent
     * blind-transfers the caller to a target the request allows.
     */
    BridgeOutcome bridge(BridgeRequest request);

    /** {@link #bridge(BridgeRequest)} without transfers or hold music. */
    default BridgeOutcome bridge(String contactUri, Duration ringTimeout, Runnable onAnswered) {
        return bridge(new BridgeRequest(contactUri, ringTimeout, onAnswered));
    }

    /**
     * A supervisor's phone listens in (and in whisper/barge speaks); blocks until either side hangs up. False if
     * no phone answered or this kind of call cannot be monitored.
     */
    default boolean monitor(java.util.List<String> contacts, MonitorMode mode, Duration ringTimeout) { return false; }

    /** Attaches the recorder; frames flow from answer to hang-up. */
    void tap(MediaTap tap);

    void hangUp(String reason);

    /** Loss and jitter of the caller's RTP so far (RFC 3550 receiver statistics). */
    foresight.media.rtp.ReceptionStats.Snapshot callerReception();

    /** What the caller's phone last reported about our audio by RTCP; null if it sent no report. */
    foresight.media.rtp.RtpSession.PeerReport callerPeerReport();

    boolean isEnded();

    /** A handle on a prompt being played. */
    interface PlaybackHandle {
        void stop();

        /** Waits for the end; true if played to the end, false if stopped or the call ended. */
        boolean await();

        /** True once it has played to the end, been stopped, or the call ended. */
        default boolean finished() { return false; }
    }
}
