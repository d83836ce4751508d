package foresight.db.transcript;

/** A stored QA hit: category, channel, the phrase found and where (ms into the recording). */
public record QaHitRow(String category, String channel, String phrase, long startMs, long endMs) {}
