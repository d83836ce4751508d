package foresight.media.rtp;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooths the arrival of 20 ms frames for the pacer. Playout starts once {@link #PREBUFFER_FRAMES} frames are
 * waiting; on an underrun the last frame is repeated at half level once (simple loss concealment, so speech is
 * not cut by a 20 ms hole), then it re-buffers. More than {@link #MAX_FRAMES} waiting drops the oldest, so delay
 * never grows. {@link #offer} is called by the Netty event loop, {@link #poll} by the pacer thread only.
 */
public final class JitterBuffer {
    static final int PREBUFFER_FRAMES = 3;
    static final int MAX_FRAMES = 10;

    private final ArrayBlockingQueue<short[]> frames = new ArrayBlockingQueue<>(MAX_FRAMES);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong concealed = new AtomicLong();
    private boolean playing;       // pacer only
    private short[] last;          // pacer only
    private boolean concealedLast; // pacer only

    public void offer(short[] frame) {
        while (!frames.offer(frame)) {
            frames.poll();
            dropped.incrementAndGet();
        }
    }

    /** The frame to play now, or null for silence (nothing received, or still buffering). */
    public short[] poll() {
        if (!playing) {
            if (frames.size() < PREBUFFER_FRAMES) return null;
            playing = true;
        }
        short[] f = frames.poll();
        if (f != null) {
            last = f;
            concealedLast = false;
            return f;
        }
        playing = false;
        if (last == null || concealedLast) return null;
        concealedLast = true;
        concealed.incrementAndGet();
        short[] c = new short[last.length];
        for (int i = 0; i < c.length; i++) c[i] = (short) (last[i] / 2);
        return c;
    }

    public long dropped() { return dropped.get(); }

    public long concealed() { return concealed.get(); }
}
