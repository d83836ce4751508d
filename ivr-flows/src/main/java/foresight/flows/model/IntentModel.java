package foresight.flows.model;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import foresight.speech.intent.ReasonClassifier;
import foresight.speech.reason.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The spoken-reason classifier of one version of the operator files. Training (a few seconds) starts when the
 * version goes live and runs on a virtual thread; until it is ready, or if it cannot be trained (fewer than two
 * reasons with text), the `ask` node falls back to keyword matching. Thread-safe.
 * A version whose reasons and utterances an earlier one in this process already had (a rollback, a version that
 * changed only flows, the flow tests of a candidate) takes that classifier instead of training again.
 */
public final class IntentModel {
    private static final Logger log = LoggerFactory.getLogger(IntentModel.class);
    /** Utterances per reason taken from the operator's CSV (evenly spaced): enough to learn, quick to train. */
    static final int MAX_PER_REASON = 600;

    private final List<Reason> reasons;
    private final List<ReasonClassifier.Labelled> utterances;
    private CompletableFuture<ReasonClassifier> training; // guarded by this
    /** Trainings by their data, done or under way; two at most (the live version's and the one before). Failures are not kept. */
    private static final Cache<TrainingData, CompletableFuture<ReasonClassifier>> TRAINED = Caffeine.newBuilder().maximumSize(2).build();

    private record TrainingData(List<Reason> reasons, List<ReasonClassifier.Labelled> utterances) {}

    public IntentModel(List<Reason> reasons, List<ReasonClassifier.Labelled> utterances) {
        this.reasons = List.copyOf(reasons);
        this.utterances = List.copyOf(utterances);
    }

    public int utteranceCount() { return utterances.size(); }

    /** The words callers are likely to use for these reasons (keywords and examples, no stop words): the ask node's ASR bias. */
    public java.util.Set<String> vocabulary() {
        var words = new java.util.TreeSet<String>();
        for (Reason r : reasons) {
            for (String k : r.keywords()) words.addAll(foresight.speech.intent.Tokens.content(k));
            for (String e : r.examples()) words.addAll(foresight.speech.intent.Tokens.content(e));
        }
        return words;
    }

    /** True if {@code other} would learn from exactly the same reasons and utterances. */
    public boolean sameTrainingData(IntentModel other) {
        return other != null && reasons.equals(other.reasons) && utterances.equals(other.utterances);
    }

    /** Starts training once (or takes the training of the same data already done or under way); later calls return the same future. */
    public synchronized CompletableFuture<ReasonClassifier> startTraining() {
        if (training == null) {
            var key = new TrainingData(reasons, utterances);
            CompletableFuture<ReasonClassifier> f = new CompletableFuture<>();
            CompletableFuture<ReasonClassifier> earlier = TRAINED.asMap().putIfAbsent(key, f);
            if (earlier != null) {
                training = earlier;
                return training;
            }
            training = f;
            Thread.ofVirtual().name("intent-training").start(() -> {
                long t0 = System.nanoTime();
                try {
                    ReasonClassifier c = ReasonClassifier.train(reasons, utterances, MAX_PER_REASON);
                    log.info("event=intent_model_trained reasons={} rows={} ms={}", reasons.size(), c.trainingRows(), (System.nanoTime() - t0) / 1_000_000);
                    f.complete(c);
                } catch (RuntimeException e) {
                    log.warn("event=intent_model_unavailable reason=\"{}\" fallback=keywords", e.getMessage());
                    TRAINED.asMap().remove(key, f);
                    f.completeExceptionally(e);
                }
            });
        }
        return training;
    }

    /** The classifier if it has finished training. */
    public Optional<ReasonClassifier> ready() {
        CompletableFuture<ReasonClassifier> f;
        synchronized (this) {
            f = training;
        }
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? Optional.of(f.join()) : Optional.empty();
    }
}
