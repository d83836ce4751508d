package foresight.speech.reason;

import java.util.List;

/**
 * One entry of the call-reason catalogue ({@code reasons.yml}): how to confirm it ({@code confirm} is a template
 * such as "Are you calling about your refund for order {{event.order_id}}?"), words and example phrases that
 * mean it, and which history events make it likely.
 */
public record Reason(String id, String label, String confirm, List<String> keywords, List<String> examples, List<EventRule> likelyWhen) {
    public Reason {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("reason id is required");
        keywords = List.copyOf(keywords);
        examples = List.copyOf(examples);
        likelyWhen = List.copyOf(likelyWhen);
    }

    /** "An event of {@code type} (in {@code status}, if given) within {@code withinDays} makes this reason likely, by {@code weight}." */
    public record EventRule(String type, String status, int withinDays, double weight) {
        public EventRule {
            if (withinDays <= 0) throw new IllegalArgumentException("within_days must be > 0");
            if (weight <= 0 || weight > 1) throw new IllegalArgumentException("weight must be in (0, 1]");
        }
    }
}
