package foresight.recording.transcribe;

/** A word with its time in the channel's audio. */
public record TimedWord(String word, long startMs, long endMs) {}
