package foresight.db.transcript;

import java.time.Instant;

/** A reviewer's score of a call. */
public record QaReview(String reviewer, int score, String comment, Instant at) {}
