package foresight.media.rtp;

import java.util.concurrent.locks.ReentrantLock;

/**
 * An adaptive jitter buffer for 20 ms frames, ordered by RTP timestamp, for the pacer.
 * <ul>
 *   <li>Frames are placed by their timestamp, so packets that arrive out of order are played in order, and a lost
 *       packet leaves its gap in place (recording and ASR stay aligned with the caller's clock).</li>
 *   <li>Playout starts once {@code target} frames are waiting. A missing frame whose successors are already here
 *       is concealed by repeating the last frame at half, then a quarter level, then silence.</li>
 *   <li>Adaptive depth: a frame that arrives after its playout time (late) is dropped and the target grows by one
 *       frame (up to {@link #MAX_TARGET}); ten seconds without a late frame shrink it by one (down to
 *       {@link #MIN_TARGET}), dropping one buffered frame so the delay really falls. Frames piling up beyond the
 *       target (a burst, or a peer's clock running fast) are dropped oldest first.</li>
 *   <li>A timestamp jump of more than {@link #SLOTS} frames (new stream, peer restarted) starts over.</li>
 * </ul>
 * {@link #offer} is called by the Netty event loop, {@link #poll} by the pacer thread; a lock keeps them apart
 * (both are a few array operations).
 */
public final class JitterBuffer {
    static final int SAMPLES = RtpSession.SAMPLES_PER_FRAME;
    static final int MIN_TARGET = 2;
    static final int START_TARGET = 3;
    static final int MAX_TARGET = 15;
    /** Frames above the target tolerated before the oldest are dropped. */
    static final int SLACK = 5;
    static final int SLOTS = 64;
    /** Polls (20 ms each) without a late frame before the target shrinks: 10 s. */
    static final int SHRINK_AFTER_POLLS = 500;

    private final ReentrantLock lock = new ReentrantLock();
    private final short[][] frames = new short[SLOTS][];
    private final long[] indexes = new long[SLOTS];
    private int count;
    private boolean started;       // any frame seen
    private long highestTs;        // extended RTP timestamp of the newest frame
    private boolean playing;
    private boolean everPlayed;    // since the last reset
    private long next;             // frame index to play next (valid once everPlayed)
    private int target = START_TARGET;
    private short[] last;
    private int concealedRun;
    private int pollsSinceLate;
    private long dropped, concealed, late;

    /** Adds a frame whose first sample has RTP timestamp {@code rtpTimestamp} (unsigned 32-bit). */
    public void offer(long rtpTimestamp, short[] frame) {
        lock.lock();
        try {
            long ts = extend(rtpTimestamp & 0xFFFFFFFFL);
            long index = Math.floorDiv(ts, SAMPLES);
            if (everPlayed ? index < next - SLOTS || index >= next + SLOTS : count > 0 && Math.abs(index - newest()) >= SLOTS) {
                reset(); // a jump: a new stream, or a long pause in sending
            }
            if (everPlayed && index < next) {
                late++;
                pollsSinceLate = 0;
                if (target < MAX_TARGET) target++;
                return;
            }
            int slot = (int) Math.floorMod(index, SLOTS);
            if (frames[slot] != null) {
                if (indexes[slot] == index) return; // a duplicate
                frames[slot] = null;                // an old frame never played: it lost its place
                count--;
                dropped++;
            }
            frames[slot] = frame;
            indexes[slot] = index;
            count++;
        } finally {
            lock.unlock();
        }
    }

    /** The frame to play now, or null for silence (nothing received, or still buffering). */
    public short[] poll() {
        lock.lock();
        try {
            if (!playing) {
                if (count < target) return concealOnce();
                playing = true;
                everPlayed = true;
                next = oldest(); // never before next: earlier frames were refused as late
            }
            if (++pollsSinceLate >= SHRINK_AFTER_POLLS) {
                pollsSinceLate = 0;
                if (target > MIN_TARGET) {
                    target--;
                    if (count > target) dropOldest();
                }
            }
            while (count > target + SLACK) dropOldest();
            if (count == 0) { // underrun: wait until the target depth is back
                playing = false;
                return concealOnce();
            }
            int slot = (int) Math.floorMod(next, SLOTS);
            next++;
            if (frames[slot] != null && indexes[slot] == next - 1) {
                short[] f = frames[slot];
                frames[slot] = null;
                count--;
                last = f;
                concealedRun = 0;
                return f;
            }
            return conceal(); // this frame is missing but later ones are here: lost (or very late)
        } finally {
            lock.unlock();
        }
    }

    private short[] concealOnce() { return concealedRun == 0 ? conceal() : null; }

    /** The last frame again at half, then a quarter of its level, then silence. */
    private short[] conceal() {
        if (last == null || concealedRun >= 2) {
            concealedRun = 3;
            return null;
        }
        int shift = ++concealedRun;
        short[] c = new short[last.length];
        for (int i = 0; i < c.length; i++) c[i] = (short) (last[i] >> shift);
        concealed++;
        return c;
    }

    private void dropOldest() {
        long o = oldest();
        int slot = (int) Math.floorMod(o, SLOTS);
        frames[slot] = null;
        count--;
        dropped++;
        if (playing) next = Math.max(next, o + 1);
    }

    private long oldest() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < SLOTS; i++) if (frames[i] != null && indexes[i] < min) min = indexes[i];
        return min;
    }

    private long newest() {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < SLOTS; i++) if (frames[i] != null && indexes[i] > max) max = indexes[i];
        return max;
    }

    private void reset() {
        java.util.Arrays.fill(frames, null);
        dropped += count;
        count = 0;
        playing = false;
        everPlayed = false;
    }

    /** Extends a 32-bit RTP timestamp to 64 bits around the newest one seen (RFC 3550 wrap-around). */
    private long extend(long ts32) {
        if (!started) {
            started = true;
            highestTs = ts32;
            return ts32;
        }
        long diff = (int) (ts32 - (highestTs & 0xFFFFFFFFL)); // signed distance, modulo 2^32
        long ext = highestTs + diff;
        if (ext > highestTs) highestTs = ext;
        return ext;
    }

    /** Frames dropped: overflow, duplicates of a slot, or discarded to shrink the delay. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public long concealed() {
        lock.lock();
        try {
            return concealed;
        } finally {
            lock.unlock();
        }
    }

    /** Frames that arrived after their playout time. */
    public long late() {
        lock.lock();
        try {
            return late;
        } finally {
            lock.unlock();
        }
    }

    /** The current playout depth in frames (20 ms each). */
    public int targetFrames() {
        lock.lock();
        try {
            return target;
        } finally {
            lock.unlock();
        }
    }
}
