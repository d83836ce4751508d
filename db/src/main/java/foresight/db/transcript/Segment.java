package foresight.db.transcript;

/** A stretch of one speaker's words. {@code channel} is {@code caller} or {@code agent} (IVR prompts count as agent side). */
public record Segment(String channel, long startMs, long endMs, String text) {
    public Segment {
        if (endMs < startMs) throw new IllegalArgumentException("segment ends before it starts: " + startMs + ".." + endMs);
    }
}
