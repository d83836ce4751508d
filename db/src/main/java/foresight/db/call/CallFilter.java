package foresight.db.call;

import java.time.Instant;

/**
 * Filters for call search, all optional (null = any): start time range, queue, agent username, reason (predicted
 * or confirmed), a QA category that was hit, call duration in seconds, QA score; only calls sampled for review.
 */
public record CallFilter(Instant from, Instant to, String queue, String agent, String reason, String category,
                         Integer minDurationSeconds, Integer maxDurationSeconds, Integer minScore, Integer maxScore, boolean sampledOnly) {
    public static final CallFilter NONE = new CallFilter(null, null, null, null, null, null, null, null, null, null, false);
}
