package foresight.speech.predict;

import foresight.db.customer.CustomerEvent;
import foresight.speech.classify.LogisticModel;
import foresight.speech.classify.Ranked;
import foresight.speech.reason.Reason;
import foresight.speech.template.Template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why is this customer calling? Uses the model learned from past calls whose reason is known once one has been
 * trained ({@link #update}); until then, or for a reason missing from the catalogue, the {@code likely_when}
 * rules of {@code reasons.yml} are the prior. The confirmation sentence is the reason's template filled from
 * the event that most plausibly triggered the call. Thread-safe: the model is swapped atomically.
 */
public final class CallReasonPredictor {
    /** A trained model and what it was trained on. */
    public record Learned(LogisticModel model, int examples, int reasons, Instant trainedAt) {}

    /** One call of the past with its history, for training. */
    public record Example(List<CustomerEvent> historyOldestFirst, List<PastCall> earlierCalls, String tier, Instant at, String reason) {}

    private volatile Learned learned;

    public Optional<Learned> learned() { return Optional.ofNullable(learned); }

    public void update(Learned model) { this.learned = model; }

    /** Trains from past calls; empty when there are too few examples or reasons to learn anything. */
    public static Optional<Learned> train(List<Example> examples, int minExamples, Instant now) {
        long reasons = examples.stream().map(Example::reason).distinct().count();
        if (examples.size() < minExamples || reasons < 2) return Optional.empty();
        List<Map<String, Double>> features = new ArrayList<>(examples.size());
        List<String> labels = new ArrayList<>(examples.size());
        for (Example e : examples) {
            features.add(HistoryFeatures.of(history(e.historyOldestFirst()), e.earlierCalls(), e.tier(), e.at()));
            labels.add(e.reason());
        }
        return Optional.of(new Learned(LogisticModel.train(features, labels, 8), examples.size(), (int) reasons, now));
    }

    /** The prediction for a call starting {@code now}; {@code history} newest first (as the repository returns it). */
    public Optional<Prediction> predict(List<Reason> reasons, List<CustomerEvent> historyNewestFirst, List<PastCall> earlierCalls,
                                        String tier, Map<String, ?> customer, Instant now) {
        Learned m = learned;
        if (m == null) return new IssuePredictor(reasons).predict(historyNewestFirst, customer, now);
        List<CustomerEvent> oldestFirst = historyNewestFirst.reversed();
        List<Ranked> ranked = m.model().rank(HistoryFeatures.of(history(oldestFirst), earlierCalls, tier, now));
        Ranked top = ranked.getFirst();
        Reason reason = reasons.stream().filter(r -> r.id().equals(top.label())).findFirst().orElse(null);
        if (reason == null) return new IssuePredictor(reasons).predict(historyNewestFirst, customer, now);
        CustomerEvent trigger = trigger(reason, historyNewestFirst);
        Map<String, Object> values = new HashMap<>();
        values.put("customer", customer);
        if (trigger != null) {
            Map<String, Object> event = new HashMap<>(trigger.attributes());
            event.put("type", trigger.type());
            event.put("status", trigger.status());
            values.put("event", event);
        }
        return Optional.of(new Prediction(reason.id(), Math.min(1, Math.max(0, top.probability())),
                Template.render(reason.confirm(), values), trigger == null ? -1 : trigger.id()));
    }

    /** The newest event of a type the reason's rules name; else the newest event; null without history. */
    private static CustomerEvent trigger(Reason reason, List<CustomerEvent> newestFirst) {
        for (CustomerEvent e : newestFirst) {
            for (Reason.EventRule rule : reason.likelyWhen()) if (rule.type().equalsIgnoreCase(e.type())) return e;
        }
        return newestFirst.isEmpty() ? null : newestFirst.getFirst();
    }

    /** Database events as model input; the status column counts as one more attribute. */
    static List<HistoryEvent> history(List<CustomerEvent> oldestFirst) {
        List<HistoryEvent> out = new ArrayList<>(oldestFirst.size());
        for (CustomerEvent e : oldestFirst) {
            Map<String, Object> attrs = new HashMap<>(e.attributes());
            if (e.status() != null) attrs.putIfAbsent("status", e.status());
            out.add(new HistoryEvent(e.occurredAt(), e.type(), attrs));
        }
        return out;
    }
}
