package foresight.speech.classify;

/** A label with its probability. */
public record Ranked(String label, double probability) {}
