package foresight.speech.predict;

import foresight.db.customer.CustomerEvent;
import foresight.speech.reason.Reason;
import foresight.speech.template.Template;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Predicts why a known customer is calling from their history, using the {@code likely_when} rules of the reason
 * catalogue: each matching recent event scores {@code weight × e^(-age/window)}; the best reason wins and its
 * share of all scores is the confidence. A cold-start prior, to be replaced by a model learned from past calls
 * (issue #4). Stateless and thread-safe.
 */
public final class IssuePredictor {
    private final List<Reason> reasons;

    public IssuePredictor(List<Reason> reasons) { this.reasons = List.copyOf(reasons); }

    public Optional<Prediction> predict(List<CustomerEvent> history, Map<String, ?> customer, Instant now) {
        double total = 0;
        Reason bestReason = null;
        CustomerEvent bestEvent = null;
        double bestScore = 0;
        for (Reason r : reasons) {
            double reasonScore = 0;
            CustomerEvent reasonEvent = null;
            for (Reason.EventRule rule : r.likelyWhen()) {
                for (CustomerEvent e : history) {
                    if (!e.type().equalsIgnoreCase(rule.type())) continue;
                    if (rule.status() != null && !rule.status().equalsIgnoreCase(e.status())) continue;
                    double ageDays = Math.max(0, Duration.between(e.occurredAt(), now).toHours() / 24.0);
                    if (ageDays > rule.withinDays()) continue;
                    double s = rule.weight() * Math.exp(-ageDays / rule.withinDays());
                    if (s > reasonScore) { reasonScore = s; reasonEvent = e; }
                }
            }
            total += reasonScore;
            if (reasonScore > bestScore) { bestScore = reasonScore; bestReason = r; bestEvent = reasonEvent; }
        }
        if (bestReason == null) return Optional.empty();
        // Confidence: the best rule's own strength, discounted by competing reasons.
        double confidence = Math.min(0.99, bestScore * (bestScore / total));
        Map<String, Object> values = new HashMap<>();
        Map<String, Object> event = new HashMap<>(bestEvent.attributes());
        event.put("type", bestEvent.type());
        event.put("status", bestEvent.status());
        values.put("event", event);
        values.put("customer", customer);
        return Optional.of(new Prediction(bestReason.id(), confidence, Template.render(bestReason.confirm(), values), bestEvent.id()));
    }
}
