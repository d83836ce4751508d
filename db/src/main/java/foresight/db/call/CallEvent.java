package foresight.db.call;

import java.time.Instant;

/** One step of a call's journey: what happened, when, with its details as JSON text. */
public record CallEvent(String type, Instant at, String detail) {}
