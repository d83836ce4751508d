package foresight.speech.asr;

/** A recognised word with its position in the audio. */
public record Word(String word, long startMs, long endMs, double confidence) {}
