package foresight.db.transcript;

/**
 * A stretch of one speaker's words. {@code channel} is {@code caller}, {@code agent}, or {@code ivr} for a prompt the IVR
 * said (its text as synthesised, not recognised).
 */
public record Segment(String channel, long startMs, long endMs, String text) {
    public Segment {
        if (endMs < startMs) throw new IllegalArgumentException("segment ends before it starts: " + startMs + ".." + endMs);
    }
}
