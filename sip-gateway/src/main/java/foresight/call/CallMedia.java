package foresight.call;

import foresight.media.dtmf.TelephoneEvent;
import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpSession;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One call's media, run by the pacer every 20 ms: takes the caller's next frame, decides what the caller hears
 * (a queued prompt, silence, or the bridged agent), sends both ways, and hands copies to the listener (ASR) and
 * the tap (recorder). Fields marked "pacer" are touched by the pacer thread only; the rest are handed over by
 * volatile writes from the call thread.
 */
final class CallMedia implements Pacer.Task {
    private static final short[] SILENCE = new short[RtpSession.SAMPLES_PER_FRAME];
    /** RFC 4733 §2.5.1.4: the end of an event is sent three times. 100 ms tone, then three end packets. */
    private static final int DTMF_TONE_FRAMES = 5;
    private static final int DTMF_END_PACKETS = 3;

    private final String callId;
    private final RtpSession caller;
    private final long rtpTimeoutNanos;
    private final long maxDurationNanos;
    private final java.util.function.Consumer<String> onTimeout;
    private long startedNanos;          // pacer
    private int ticks;                  // pacer
    private boolean timedOut;           // pacer
    private volatile RtpSession bridged;
    private volatile AudioClip bridgeHoldMusic; // what the caller hears while the bridged agent holds them
    private int holdFrame;                       // pacer
    private volatile RtpSession monitor;       // a supervisor's leg: hears both sides
    private volatile MonitorMode monitorMode = MonitorMode.LISTEN;
    private volatile BlockingQueue<short[]> listener;
    private volatile MediaTap tap;
    private final ConcurrentLinkedQueue<Playback> playbacks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Character> digitsToSend = new ConcurrentLinkedQueue<>();

    private volatile Playback current; // pacer writes; close() may complete it
    private AudioClip outClip;         // pacer: the clip this tick's frame came from (sent pre-encoded), or null
    private int outIndex;              // pacer
    private char sendingDigit;         // pacer
    private int digitFrame;            // pacer
    private long digitTimestamp;       // pacer

    /** A clip being played; {@code done} completes when its last frame went out or it was stopped. */
    static final class Playback {
        final AudioClip clip;
        final CompletableFuture<Boolean> done = new CompletableFuture<>(); // true = played to the end
        final boolean loop;
        volatile boolean stopped;
        int index; // pacer
        volatile int played; // pacer writes; close() reads: frames sent so far

        Playback(AudioClip clip, boolean loop) {
            this.clip = clip;
            this.loop = loop;
        }
    }

    CallMedia(String callId, RtpSession caller, java.time.Duration rtpTimeout, java.time.Duration maxDuration,
              java.util.function.Consumer<String> onTimeout) {
        this.callId = callId;
        this.caller = caller;
        this.rtpTimeoutNanos = rtpTimeout.toNanos();
        this.maxDurationNanos = maxDuration.toNanos();
        this.onTimeout = onTimeout;
    }

    RtpSession caller() { return caller; }

    Playback enqueue(AudioClip clip, boolean loop) {
        var p = new Playback(clip, loop);
        playbacks.add(p);
        return p;
    }

    void stopPlayback() {
        for (Playback p : playbacks) p.stopped = true;
        Playback c = current;
        if (c != null) c.stopped = true;
    }

    void bridge(RtpSession other, AudioClip holdMusic) {
        this.bridgeHoldMusic = holdMusic;
        this.bridged = other;
    }

    /** Adds (or with null removes) a supervisor's leg that hears caller and agent mixed; whisper/barge also let them speak. */
    void monitor(RtpSession supervisor, MonitorMode mode) {
        this.monitorMode = mode;
        this.monitor = supervisor;
    }

    /** Sample-wise sum with clipping: two voices on one 8 kHz line. */
    static short[] mix(short[] a, short[] b) {
        short[] m = new short[a.length];
        for (int i = 0; i < a.length; i++) m[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a[i] + b[i]));
        return m;
    }

    void listen(BlockingQueue<short[]> q) { this.listener = q; }

    void tap(MediaTap t) { this.tap = t; }

    void sendDigit(char d) {
        TelephoneEvent.of(d, false, 0); // validates
        digitsToSend.add(d);
    }

    @Override
    public void tick() {
        if (++ticks % 50 == 0) checkTimeouts(); // once a second
        short[] in = caller.pollInbound();
        if (in == null) in = SILENCE;
        short[] out;
        outClip = null;
        RtpSession b = bridged;
        RtpSession m = monitor;
        short[] supervisor = m == null ? null : m.pollInbound();
        MonitorMode mode = monitorMode;
        if (b != null) {
            short[] agent = b.pollInbound();
            AudioClip music = bridgeHoldMusic;
            if (b.onHold() && music != null && !music.frames().isEmpty()) {
                // The agent put the caller on hold (sendonly/inactive re-INVITE): music instead of the agent's line.
                outClip = music;
                outIndex = holdFrame++ % music.frames().size();
                out = music.frames().get(outIndex);
            } else {
                out = agent != null ? agent : SILENCE;
            }
            // Whisper and barge: the agent hears the supervisor too; barge: the caller as well.
            b.sendAudio(supervisor != null && mode != MonitorMode.LISTEN ? mix(in, supervisor) : in);
        } else {
            out = nextPromptFrame();
        }
        if (m != null) m.sendAudio(mix(in, out)); // the supervisor hears the caller and what the caller hears
        if (supervisor != null && mode == MonitorMode.BARGE && b != null && outClip == null) out = mix(out, supervisor);
        if (!sendDigitFrame()) {
            // Prompts and music go out as the clip's shared pre-encoded G.711; live audio is encoded here.
            if (outClip != null) caller.sendEncoded(outClip.encoded(caller.payloadType(), outIndex));
            else caller.sendAudio(out);
        }
        BlockingQueue<short[]> l = listener;
        if (l != null) l.offer(in.clone());
        MediaTap t = tap;
        if (t != null) t.onFrame(in, out);
    }

    private short[] nextPromptFrame() {
        while (true) {
            if (current == null) {
                current = playbacks.poll();
                if (current == null) return SILENCE;
            }
            if (current.stopped) {
                ended(current, false);
                current = null;
                continue;
            }
            if (current.index >= current.clip.frames().size() && current.loop && !current.clip.frames().isEmpty()) current.index = 0;
            if (current.index < current.clip.frames().size()) {
                if (current.played == 0) {
                    MediaTap t = tap;
                    if (t != null) t.onClipStarted(current.clip);
                }
                current.played++;
                outClip = current.clip;
                outIndex = current.index;
                return current.clip.frames().get(current.index++);
            }
            ended(current, true);
            current = null;
        }
    }

    /** Completes a playback and tells the tap how much of a clip it started was heard. */
    private void ended(Playback p, boolean toEnd) {
        p.done.complete(toEnd);
        MediaTap t = tap;
        if (t != null && p.played > 0) t.onClipEnded(p.clip, p.played);
    }

    /** Sends the next RFC 4733 packet if a key press is in progress; true when it replaced this frame's audio. */
    private boolean sendDigitFrame() {
        if (sendingDigit == 0) {
            Character next = digitsToSend.poll();
            if (next == null) return false;
            sendingDigit = next;
            digitFrame = 0;
            digitTimestamp = caller.eventStartTimestamp();
        }
        boolean end = digitFrame >= DTMF_TONE_FRAMES;
        int duration = Math.min(digitFrame + 1, DTMF_TONE_FRAMES) * RtpSession.SAMPLES_PER_FRAME;
        caller.sendEvent(TelephoneEvent.of(sendingDigit, end, duration), digitTimestamp, digitFrame == 0);
        caller.advanceFrame();
        if (++digitFrame >= DTMF_TONE_FRAMES + DTMF_END_PACKETS) sendingDigit = 0;
        return true;
    }

    /** Hands a stuck call (no RTP from the caller, or over the maximum duration) to {@code onTimeout}, once. */
    private void checkTimeouts() {
        long now = System.nanoTime();
        if (startedNanos == 0) startedNanos = now;
        if (timedOut) return;
        long silentFor = caller.expectsSilence() ? 0 : now - Math.max(caller.lastInboundNanos(), startedNanos);
        String reason = silentFor > rtpTimeoutNanos ? "rtp_timeout" : now - startedNanos > maxDurationNanos ? "max_duration" : null;
        if (reason != null) {
            timedOut = true;
            onTimeout.accept(reason);
        }
    }

    /** Ends every pending playback; called once when the call is over. */
    void close() {
        stopPlayback();
        Playback c;
        while ((c = playbacks.poll()) != null) c.done.complete(false);
        c = current;
        if (c != null) ended(c, false);
        MediaTap t = tap;
        if (t != null) t.onClose();
    }

    @Override
    public String toString() { return "media(call=" + callId + ")"; }
}
