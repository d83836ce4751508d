package foresight.speech.predict;

import foresight.speech.classify.Ranked;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A call-reason classifier over {@link HistoryFeatures}: a Tribuo logistic regression or Tribuo XGBoost
 * gradient-boosted trees (deep ones, or shallow strongly regularised ones for small data), with a softmax temperature
 * that calibrates its probabilities. Immutable once trained; {@link #rank} is thread-safe.
 */
public final class ReasonModel {
    /**
     * Which learner, cheapest first. {@code SHALLOW_TREES}: 40 trees of depth 2 (pairs of features at most), at least
     * 10 examples' weight per leaf, half the features per tree — on a few thousand calls the deeper trees fit chance
     * patterns (simulated lifecycle and bursty histories of 300 and 1,000 customers: the shallow trees' expected top-1
     * came to 0.985–0.997 of the Bayes-optimal, the deep ones' to 0.962–0.990; docs/BENCHMARKS.md).
     */
    public enum Kind {
        LOGISTIC, SHALLOW_TREES, BOOSTED_TREES;

        /** The learner this one refines (more capacity, same family), or null. */
        public Kind simpler() { return this == BOOSTED_TREES ? SHALLOW_TREES : null; }
    }

    private static final LabelFactory LABELS = new LabelFactory();
    /** Tribuo logs through java.util.logging at INFO; keep a strong reference so the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private static final int TREES = 80;
    private static final int SHALLOW_TREES = 40;
    private final Model<Label> model;
    private final Kind kind;
    private final double temperature;

    private ReasonModel(Model<Label> model, Kind kind, double temperature) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature=" + temperature);
        this.model = model;
        this.kind = kind;
        this.temperature = temperature;
    }

    /** Trains on feature maps and their labels with a fixed seed (reproducible). Blocks for seconds. */
    public static ReasonModel train(Kind kind, List<Map<String, Double>> features, List<String> labels) {
        return train(kind, features, labels, false);
    }

    /**
     * As {@link #train(Kind, List, List)}; with {@code screened}, only the features that {@link FeatureScreen} finds
     * associated with the label in these examples are learned (the others are ignored when ranking, too).
     */
    public static ReasonModel train(Kind kind, List<Map<String, Double>> features, List<String> labels, boolean screened) {
        if (features.size() != labels.size() || features.isEmpty()) throw new IllegalArgumentException("need as many labels as examples, and some: " + features.size() + " vs " + labels.size());
        java.util.Set<String> keep = screened ? FeatureScreen.associated(features, labels) : null;
        var data = new MutableDataset<>(new SimpleDataSourceProvenance("foresight-history", LABELS), LABELS);
        for (int i = 0; i < features.size(); i++) data.add(example(new Label(labels.get(i)), keep == null ? features.get(i) : FeatureScreen.only(features.get(i), keep)));
        Trainer<Label> trainer = switch (kind) {
            case LOGISTIC -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.3, 0.1), 12, Integer.MAX_VALUE, 1, 12345L);
            // Histogram splits: exact ones took minutes on 13k calls × ~500 sparse features. One thread: OpenMP threads
            // spinning on a busy machine made a single prediction take tens of milliseconds.
            case BOOSTED_TREES -> new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE, XGBoostTrainer.TreeMethod.HIST,
                    TREES, 0.15, 0.0, 4, 5.0, 0.9, 0.7, 2.0, 0.0, 1, XGBoostTrainer.LoggingVerbosity.SILENT, 12345L);
            case SHALLOW_TREES -> new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE, XGBoostTrainer.TreeMethod.HIST,
                    SHALLOW_TREES, 0.15, 0.0, 2, 10.0, 0.8, 0.5, 5.0, 0.0, 1, XGBoostTrainer.LoggingVerbosity.SILENT, 12345L);
        };
        return new ReasonModel(trainer.train(data), kind, 1.0);
    }

    public Kind kind() { return kind; }

    public double temperature() { return temperature; }

    /** The same model with its probabilities sharpened (T &lt; 1) or flattened (T &gt; 1). */
    public ReasonModel withTemperature(double t) { return new ReasonModel(model, kind, t); }

    /** All labels the model knows, most probable first, probabilities summing to 1. */
    public List<Ranked> rank(Map<String, Double> features) {
        return ranked(model.predict(example(LabelFactory.UNKNOWN_LABEL, features)));
    }

    /** {@link #rank} for many at once: one native call for the trees instead of one per example. */
    public List<List<Ranked>> rankAll(List<Map<String, Double>> features) {
        List<Example<Label>> examples = new ArrayList<>(features.size());
        for (var f : features) examples.add(example(LabelFactory.UNKNOWN_LABEL, f));
        List<List<Ranked>> out = new ArrayList<>(features.size());
        for (var p : model.predict(examples)) out.add(ranked(p));
        return out;
    }

    private List<Ranked> ranked(Prediction<Label> p) {
        var scores = p.getOutputScores();
        double[] logs = new double[scores.size()];
        String[] names = new String[scores.size()];
        int i = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (var e : scores.entrySet()) {
            names[i] = e.getKey();
            logs[i] = Math.log(Math.max(1e-12, e.getValue().getScore())) / temperature;
            max = Math.max(max, logs[i++]);
        }
        double sum = 0;
        for (int k = 0; k < logs.length; k++) sum += (logs[k] = Math.exp(logs[k] - max));
        List<Ranked> out = new ArrayList<>(logs.length);
        for (int k = 0; k < logs.length; k++) out.add(new Ranked(names[k], logs[k] / sum));
        out.sort(Comparator.comparingDouble(Ranked::probability).reversed());
        return out;
    }

    private static Example<Label> example(Label label, Map<String, Double> features) {
        String[] names = new String[features.size()];
        double[] values = new double[features.size()];
        int i = 0;
        for (var e : features.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        if (names.length == 0) return new ArrayExample<>(label, new String[]{"bias"}, new double[]{1.0});
        return new ArrayExample<>(label, names, values);
    }
}
