package foresight.speech.predict;

import java.time.Instant;
import java.util.Map;

/** One thing in a customer's history: any type, any attributes. */
public record HistoryEvent(Instant at, String type, Map<String, Object> attributes) {}
