package foresight.speech.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a customer's history as it stood at the start of a call into named features for the learned
 * predictor. Nothing here knows any event type or reason: names are built from the data
 * (event type × how long ago, the most recent events, short attribute values such as a status, earlier call
 * reasons × how long ago, tier). Callers pass only events and calls strictly before {@code now}.
 */
public final class HistoryFeatures {
    private static final long[] BUCKET_HOURS = {24, 24 * 7, 24 * 30, 24 * 90};
    private static final String[] BUCKET_NAMES = {"1d", "7d", "30d", "90d"};
    private static final int RECENT_EVENTS = 3;
    private static final int MAX_VALUE_LENGTH = 24;

    private HistoryFeatures() {}

    /** {@code events} and {@code calls} oldest first, all before {@code now}. */
    public static Map<String, Double> of(List<HistoryEvent> events, List<PastCall> calls, String tier, Instant now) {
        Map<String, Double> f = new HashMap<>();
        f.put("tier=" + (tier == null || tier.isBlank() ? "none" : tier), 1.0);
        if (events.isEmpty()) f.put("history=none", 1.0);
        for (int i = events.size() - 1, rank = 0; i >= 0; i--, rank++) {
            HistoryEvent e = events.get(i);
            double hours = Math.max(0, Duration.between(e.at(), now).toMinutes() / 60.0);
            String bucket = bucket(hours);
            if (bucket == null) continue;
            f.merge("ev:" + e.type() + ":" + bucket, 1.0, Double::sum);
            f.merge("ev:" + e.type() + ":recency", Math.exp(-hours / (24 * 7)), Math::max);
            if (rank < RECENT_EVENTS) {
                f.put("recent" + rank + ":" + e.type(), 1.0);
                f.put("recent" + rank + ":" + e.type() + ":" + bucket, 1.0);
                for (var a : e.attributes().entrySet()) {
                    if (a.getValue() instanceof String v && v.length() <= MAX_VALUE_LENGTH && !v.chars().allMatch(Character::isDigit)) {
                        f.put("recent:" + e.type() + ":" + a.getKey() + "=" + v.toLowerCase(), 1.0);
                    } else if (a.getValue() instanceof Boolean b) {
                        f.put("recent:" + e.type() + ":" + a.getKey() + "=" + b, 1.0);
                    }
                }
            }
        }
        for (int i = calls.size() - 1, rank = 0; i >= 0; i--, rank++) {
            PastCall c = calls.get(i);
            double hours = Math.max(0, Duration.between(c.at(), now).toMinutes() / 60.0);
            String bucket = bucket(hours);
            if (bucket == null) continue;
            f.merge("call:" + c.reason() + ":" + bucket, 1.0, Double::sum);
            if (rank == 0) f.put("lastcall:" + c.reason(), 1.0);
        }
        // Counts grow without bound; squash them so one busy customer does not dominate the weights.
        f.replaceAll((k, v) -> k.endsWith("recency") ? v : Math.log1p(v));
        return f;
    }

    private static String bucket(double hours) {
        for (int i = 0; i < BUCKET_HOURS.length; i++) if (hours <= BUCKET_HOURS[i]) return BUCKET_NAMES[i];
        return hours <= 24 * 365 ? "1y" : null;
    }
}
