package foresight.speech.predict;

import foresight.db.customer.CustomerEvent;
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
    /**
     * A trained model, what it was trained on and what its time-ordered validation measured; its
     * {@code validation().threshold()} is the confidence below which the confirm question is not asked.
     */
    public record Learned(ReasonModel model, int examples, int reasons, Instant trainedAt, PredictorFit.Validation validation) {
        /** A short id for logs and the API: training time and learner. */
        public String version() { return trainedAt.getEpochSecond() + "-" + model.kind().name().toLowerCase(); }
    }

    /** Precision the confirm question must keep on validation. */
    public static final double CONFIRM_PRECISION = 0.90;

    /** One call of the past with its history, for training. */
    public record Example(List<CustomerEvent> historyOldestFirst, List<PastCall> earlierCalls, String tier, Instant at, String reason) {}

    private volatile Learned learned;

    public Optional<Learned> learned() { return Optional.ofNullable(learned); }

    public void update(Learned model) { this.learned = model; }

    /**
     * Trains from past calls (any order: sorted by time here, the newest fifth validates); empty when there are too
     * few examples or reasons to learn anything. Blocks for seconds.
     */
    public static Optional<Learned> train(List<Example> unordered, int minExamples, Instant now) {
        List<Example> examples = unordered.stream().sorted(java.util.Comparator.comparing(Example::at)).toList();
        long reasons = examples.stream().map(Example::reason).distinct().count();
        if (examples.size() < minExamples || reasons < 2) return Optional.empty();
        List<Map<String, Double>> features = new ArrayList<>(examples.size());
        List<String> labels = new ArrayList<>(examples.size());
        for (Example e : examples) {
            features.add(features(e));
            labels.add(e.reason());
        }
        var fitted = PredictorFit.fit(features, labels, List.of(ReasonModel.Kind.values()), CONFIRM_PRECISION);
        return Optional.of(new Learned(fitted.model(), examples.size(), (int) reasons, now, fitted.validation()));
    }

    /** The model's input for one training example: its history as it stood when the call started. */
    public static Map<String, Double> features(Example e) {
        return HistoryFeatures.of(history(e.historyOldestFirst()), e.earlierCalls(), e.tier(), e.at());
    }

    /**
     * Top-1 of {@code model} on the newest fifth of {@code examples} by time — the split a new candidate validates
     * on, so a live model and a candidate compare on the same calls. NaN when that split is too small.
     */
    public static double validationTop1(Learned model, List<Example> unordered) {
        List<Example> examples = unordered.stream().sorted(java.util.Comparator.comparing(Example::at)).toList();
        int cut = (int) Math.floor(examples.size() * PredictorFit.TRAIN_SHARE);
        if (examples.size() - cut < PredictorFit.MIN_VALIDATION) return Double.NaN;
        List<Map<String, Double>> features = new ArrayList<>();
        for (Example e : examples.subList(cut, examples.size())) features.add(HistoryFeatures.of(history(e.historyOldestFirst()), e.earlierCalls(), e.tier(), e.at()));
        var ranks = model.model().rankAll(features);
        return PredictorFit.top1(ranks, examples.subList(cut, examples.size()).stream().map(Example::reason).toList());
    }

    /**
     * The confidence a prediction needs before the caller is asked to confirm it: the live model's validated
     * threshold; 0 while the {@code reasons.yml} rules decide (the flow's own {@code min_confidence} applies).
     */
    public double confirmThreshold() {
        Learned m = learned;
        return m == null ? 0 : m.validation().threshold();
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
