package foresight.speech.intent;

import foresight.speech.classify.LogisticModel;
import foresight.speech.classify.Ranked;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Says which reason a sentence is about: logistic regression (Tribuo) over tf-idf weighted word unigrams and
 * bigrams, L2-normalised. Trained from labelled sentences (reason examples, BANKING77, a CSV). Immutable.
 */
public final class TextClassifier {
    private final Map<String, Double> idf;
    private final LogisticModel model;

    private TextClassifier(Map<String, Double> idf, LogisticModel model) {
        this.idf = idf;
        this.model = model;
    }

    public static TextClassifier train(List<String> texts, List<String> labels) { return train(texts, labels, 15); }

    /** Trains with {@code epochs} passes of SGD; blocks. */
    public static TextClassifier train(List<String> texts, List<String> labels, int epochs) {
        Map<String, Integer> df = new HashMap<>();
        for (String t : texts) for (String term : new java.util.HashSet<>(terms(t))) df.merge(term, 1, Integer::sum);
        Map<String, Double> idf = new HashMap<>();
        int n = texts.size();
        for (var e : df.entrySet()) idf.put(e.getKey(), Math.log((1.0 + n) / (1.0 + e.getValue())) + 1.0);
        List<Map<String, Double>> features = texts.stream().map(t -> vector(t, idf)).toList();
        return new TextClassifier(idf, LogisticModel.train(features, labels, epochs));
    }

    /** Every label, most probable first. */
    public List<Ranked> rank(String text) { return model.rank(vector(text, idf)); }

    public Ranked classify(String text) { return rank(text).getFirst(); }

    /** True if the text has at least one term seen in training; an unseen-only text has no features to classify. */
    public boolean knows(String text) {
        for (String t : terms(text)) if (idf.containsKey(t)) return true;
        return false;
    }

    static List<String> terms(String text) {
        List<String> w = Tokens.words(text);
        List<String> out = new java.util.ArrayList<>(w.size() * 2);
        for (int i = 0; i < w.size(); i++) {
            out.add("u:" + w.get(i));
            if (i + 1 < w.size()) out.add("b:" + w.get(i) + "_" + w.get(i + 1));
        }
        return out;
    }

    private static Map<String, Double> vector(String text, Map<String, Double> idf) {
        Map<String, Double> tf = new HashMap<>();
        for (String term : terms(text)) if (idf.containsKey(term)) tf.merge(term, 1.0, Double::sum);
        double norm = 0;
        for (var e : tf.entrySet()) {
            double v = (1 + Math.log(e.getValue())) * idf.get(e.getKey());
            e.setValue(v);
            norm += v * v;
        }
        double n = Math.sqrt(norm);
        if (n > 0) tf.replaceAll((k, v) -> v / n);
        return tf;
    }
}
