package foresight.speech.classify;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Multinomial logistic regression (Tribuo, AdaGrad SGD) over sparse named features. Its scores are softmax
 * probabilities. Immutable once trained; {@link #rank} is thread-safe.
 */
public final class LogisticModel {
    private static final LabelFactory LABELS = new LabelFactory();
    /** Tribuo logs through java.util.logging at INFO; keep a strong reference so the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    private final Model<Label> model;
    private final String[] denseNames; // null for a model over named sparse features
    private final double scale;

    private LogisticModel(Model<Label> model) { this(model, null, 1); }

    private LogisticModel(Model<Label> model, String[] denseNames, double scale) {
        this.model = model;
        this.denseNames = denseNames;
        this.scale = scale;
    }

    /** Trains on feature maps and their labels; {@code epochs} passes of SGD with a fixed seed (reproducible). */
    public static LogisticModel train(List<Map<String, Double>> features, List<String> labels, int epochs) {
        if (features.size() != labels.size() || features.isEmpty()) throw new IllegalArgumentException("need as many labels as examples, and some: " + features.size() + " vs " + labels.size());
        var data = new MutableDataset<>(new SimpleDataSourceProvenance("foresight", LABELS), LABELS);
        for (int i = 0; i < features.size(); i++) data.add(example(new Label(labels.get(i)), features.get(i)));
        var trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), epochs, Integer.MAX_VALUE, 1, 12345L);
        return new LogisticModel(trainer.train(data));
    }

    /**
     * Trains on dense vectors (every row as long as the first), each component multiplied by {@code scale}: SGD
     * with a fixed step learns slowly from the small components of unit-length embeddings.
     */
    public static LogisticModel trainDense(float[][] vectors, List<String> labels, int epochs, double scale) {
        return trainDense(vectors, labels, epochs, scale, 16);
    }

    /** As {@link #trainDense(float[][], List, int, double)} with {@code minibatch} rows per step (each step updates every weight). */
    public static LogisticModel trainDense(float[][] vectors, List<String> labels, int epochs, double scale, int minibatch) {
        if (vectors.length != labels.size() || vectors.length == 0) throw new IllegalArgumentException("need as many labels as vectors, and some: " + vectors.length + " vs " + labels.size());
        String[] names = denseNames(vectors[0].length);
        var data = new MutableDataset<>(new SimpleDataSourceProvenance("foresight", LABELS), LABELS);
        for (int i = 0; i < vectors.length; i++) data.add(dense(new Label(labels.get(i)), names, vectors[i], scale));
        var trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), epochs, Integer.MAX_VALUE, minibatch, 12345L);
        return new LogisticModel(trainer.train(data), names, scale);
    }

    /** All labels, most probable first, for a vector as long as the training ones ({@link #trainDense} models). */
    public List<Ranked> rankDense(float[] vector) {
        if (denseNames == null || vector.length != denseNames.length) throw new IllegalArgumentException("expected a dense vector of " + (denseNames == null ? "(none: sparse model)" : denseNames.length) + ", got " + vector.length);
        return ranked(model.predict(dense(LabelFactory.UNKNOWN_LABEL, denseNames, vector, scale)));
    }

    /** All labels, most probable first. */
    public List<Ranked> rank(Map<String, Double> features) {
        return ranked(model.predict(example(LabelFactory.UNKNOWN_LABEL, features)));
    }

    private static List<Ranked> ranked(Prediction<Label> p) {
        List<Ranked> out = new ArrayList<>();
        for (var e : p.getOutputScores().entrySet()) out.add(new Ranked(e.getKey(), e.getValue().getScore()));
        out.sort(Comparator.comparingDouble(Ranked::probability).reversed());
        return out;
    }

    private static String[] denseNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = String.format("d%04d", i); // zero-padded: already in sorted order
        return names;
    }

    private static Example<Label> dense(Label label, String[] names, float[] vector, double scale) {
        double[] values = new double[vector.length];
        for (int i = 0; i < vector.length; i++) values[i] = vector[i] * scale;
        return new ArrayExample<>(label, names, values);
    }

    private static Example<Label> example(Label label, Map<String, Double> features) {
        String[] names = new String[features.size()];
        double[] values = new double[features.size()];
        int i = 0;
        for (var e : features.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        if (names.length == 0) return new ArrayExample<>(label, new String[]{"bias:none"}, new double[]{1.0});
        return new ArrayExample<>(label, names, values);
    }
}
