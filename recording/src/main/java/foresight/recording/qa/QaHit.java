package foresight.recording.qa;

/** A category found in a call: on which channel, which phrase, and where (ms into the recording). */
public record QaHit(String category, String channel, String phrase, long startMs, long endMs) {}
