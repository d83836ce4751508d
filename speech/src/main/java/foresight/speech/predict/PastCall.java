package foresight.speech.predict;

import java.time.Instant;

/** An earlier call of the same customer and the reason it turned out to be. */
public record PastCall(Instant at, String reason) {}
