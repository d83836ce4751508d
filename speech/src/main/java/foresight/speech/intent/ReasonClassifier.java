package foresight.speech.intent;

import foresight.speech.classify.Ranked;
import foresight.speech.reason.Reason;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the `ask` node uses to understand "why are you calling?": an {@link IntentClassifier} (tf-idf and
 * MiniLM-embedding logistic regressions, pooled with the weight for recognised speech) trained on the reasons'
 * examples and keywords plus labelled utterances the operator supplies (e.g. BANKING77 rows whose intents
 * reasons.yml maps onto reasons). Each reason contributes
 * at most {@code maxPerReason} utterances, taken evenly across the file, so one large catch-all reason does not
 * drown the others and training stays a few seconds. Immutable.
 */
public final class ReasonClassifier {
    /** A sentence and the reason it means. */
    public record Labelled(String text, String reasonId) {}

    private final IntentClassifier model;
    private final int trainingRows;

    private ReasonClassifier(IntentClassifier model, int trainingRows) {
        this.model = model;
        this.trainingRows = trainingRows;
    }

    /** Trains; throws IllegalArgumentException when fewer than two reasons have any text to learn from. */
    public static ReasonClassifier train(List<Reason> reasons, List<Labelled> utterances, int maxPerReason) {
        return train(reasons, utterances, maxPerReason, List.of());
    }

    /**
     * As {@link #train(List, List, int)}, also learning from {@code extra} rows taken whole, beyond the cap (e.g. the
     * speech recogniser's transcripts of the training sentences, so the model learns its typical errors); rows for
     * reasons not in the catalogue are ignored. Blocks for the embedding of every row (uses every core).
     */
    public static ReasonClassifier train(List<Reason> reasons, List<Labelled> utterances, int maxPerReason, List<Labelled> extra) {
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Reason r : reasons) {
            List<String> texts = byReason.computeIfAbsent(r.id(), k -> new ArrayList<>());
            texts.addAll(r.examples());
            texts.addAll(r.keywords());
        }
        Map<String, List<String>> supplied = new HashMap<>();
        for (Labelled u : utterances) if (byReason.containsKey(u.reasonId())) supplied.computeIfAbsent(u.reasonId(), k -> new ArrayList<>()).add(u.text());
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (var e : byReason.entrySet()) {
            List<String> mine = new ArrayList<>(e.getValue());
            List<String> more = supplied.getOrDefault(e.getKey(), List.of());
            int take = Math.min(more.size(), Math.max(0, maxPerReason - mine.size()));
            for (int i = 0; i < take; i++) mine.add(more.get((int) ((long) i * more.size() / take))); // evenly spaced
            for (String t : mine) {
                texts.add(t);
                labels.add(e.getKey());
            }
        }
        for (Labelled u : extra) {
            if (!byReason.containsKey(u.reasonId()) || u.text().isBlank()) continue;
            texts.add(u.text());
            labels.add(u.reasonId());
        }
        long classes = labels.stream().distinct().count();
        if (classes < 2) throw new IllegalArgumentException("need examples for at least two reasons, have " + classes);
        return new ReasonClassifier(IntentClassifier.train(texts, labels), texts.size());
    }

    public int trainingRows() { return trainingRows; }

    /** The most probable reason if its probability reaches {@code minProbability}. */
    public Optional<IntentMatcher.Match> match(String utterance, double minProbability) {
        // A text of only words no example used ("hmm") is no answer to the question: no match, not a guess.
        if (utterance == null || utterance.isBlank() || !model.knows(utterance)) return Optional.empty();
        Ranked best = best(utterance);
        return best.probability() >= minProbability ? Optional.of(new IntentMatcher.Match(best.label(), best.probability())) : Optional.empty();
    }

    /** The most probable reason and its probability, whatever it is; blocks a few ms (embeds the sentence). */
    public Ranked best(String utterance) { return model.classify(utterance, IntentClassifier.SPOKEN_TFIDF_WEIGHT); }

    /** How long training took. */
    public IntentClassifier.TrainingTime trainingTime() { return model.trainingTime(); }
}
