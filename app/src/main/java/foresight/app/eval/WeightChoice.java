package foresight.app.eval;

import foresight.speech.intent.IntentClassifier;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the tf-idf weight of the intent ensemble on the training rows alone: every tenth row is held out, the
 * classifier trained on the other nine tenths, and the weight (0 … 1 in steps of 0.05) that classifies the most
 * held-out rows right wins; ties go to the weight nearest 0.5.
 */
final class WeightChoice {
    private WeightChoice() {}

    static double choose(List<String> texts, List<String> labels, IntentClassifier.Options options, PrintStream out) {
        List<String> fitTexts = new ArrayList<>(), fitLabels = new ArrayList<>(), heldTexts = new ArrayList<>(), heldLabels = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            (i % 10 == 9 ? heldTexts : fitTexts).add(texts.get(i));
            (i % 10 == 9 ? heldLabels : fitLabels).add(labels.get(i));
        }
        IntentClassifier c = IntentClassifier.train(fitTexts, fitLabels, options);
        List<IntentClassifier.Scores> scores = heldTexts.stream().map(c::scores).toList();
        double best = 0.5;
        int bestCorrect = -1;
        StringBuilder curve = new StringBuilder();
        for (int step = 0; step <= 20; step++) {
            double w = step / 20.0;
            int correct = 0;
            for (int i = 0; i < scores.size(); i++) if (scores.get(i).best(w).label().equals(heldLabels.get(i))) correct++;
            curve.append(String.format(" %.2f:%.4f", w, (double) correct / scores.size()));
            if (correct > bestCorrect || (correct == bestCorrect && Math.abs(w - 0.5) < Math.abs(best - 0.5))) {
                best = w;
                bestCorrect = correct;
            }
        }
        out.printf("tfidf_weight chosen on a 90/10 split of the training rows (%d held out): %.2f; accuracy by weight:%s%n", heldTexts.size(), best, curve);
        return best;
    }

    /**
     * Chooses the tf-idf weight for recognised speech on the training rows alone: every tenth heard training sentence
     * is held out together with its written sentence, the classifier trained on the rest (written and heard), and the
     * weight that classifies the most held-out heard sentences right wins; ties go to the weight nearest 0.5.
     */
    static double chooseSpoken(List<Map<String, String>> written, List<Map<String, String>> heard, List<Integer> heardSource,
                               List<Map<String, String>> alwaysFit, IntentClassifier.Options options, PrintStream out) {
        Set<Integer> heldSources = new HashSet<>();
        List<String> heldTexts = new ArrayList<>(), heldLabels = new ArrayList<>(), fitTexts = new ArrayList<>(), fitLabels = new ArrayList<>();
        for (int k = 0; k < heard.size(); k++) {
            if (k % 10 != 9) continue;
            heldSources.add(heardSource.get(k));
            heldTexts.add(heard.get(k).get("text"));
            heldLabels.add(heard.get(k).get("category"));
        }
        for (int i = 0; i < written.size(); i++) {
            if (heldSources.contains(i)) continue;
            fitTexts.add(written.get(i).get("text"));
            fitLabels.add(written.get(i).get("category"));
        }
        for (int k = 0; k < heard.size(); k++) {
            if (k % 10 == 9 || heard.get(k).get("text").isBlank()) continue;
            fitTexts.add(heard.get(k).get("text"));
            fitLabels.add(heard.get(k).get("category"));
        }
        for (var r : alwaysFit) {
            fitTexts.add(r.get("text"));
            fitLabels.add(r.get("category"));
        }
        if (heldTexts.isEmpty()) throw new IllegalArgumentException("--tune-spoken-weight needs at least 10 heard training sentences, have " + heard.size());
        IntentClassifier c = IntentClassifier.train(fitTexts, fitLabels, options);
        List<IntentClassifier.Scores> scores = heldTexts.stream().map(c::scores).toList();
        double best = 0.5;
        int bestCorrect = -1;
        StringBuilder curve = new StringBuilder();
        for (int step = 0; step <= 20; step++) {
            double w = step / 20.0;
            int correct = 0;
            for (int i = 0; i < scores.size(); i++) if (scores.get(i).best(w).label().equals(heldLabels.get(i))) correct++;
            curve.append(String.format(" %.2f:%.4f", w, (double) correct / scores.size()));
            if (correct > bestCorrect || (correct == bestCorrect && Math.abs(w - 0.5) < Math.abs(best - 0.5))) {
                best = w;
                bestCorrect = correct;
            }
        }
        out.printf("spoken tfidf_weight chosen on %d held-out heard training sentences (their written rows held out too): %.2f; accuracy by weight:%s%n",
                heldTexts.size(), best, curve);
        return best;
    }
}
