package foresight.app.learn;

import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerEvent;
import foresight.db.customer.CustomerRepository;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.PastCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Retrains the issue predictor from PostgreSQL: every finished call of a known customer whose reason is known is an
 * example — the agent's corrected reason first, else the reason the caller confirmed with "yes" (a "no" alone only
 * says what it was not, so it labels nothing) — with the history exactly as it stood when the call started.
 * Validation is time-ordered (the newest fifth). A candidate that scores a lower top-1 than the live model on that
 * same newest fifth is not promoted: a log line and {@link #notPromoted()} (the {@code foresight_predictor_not_promoted}
 * counter) say so. Runs at start-up, every {@code interval}, and on demand; one training at a time.
 */
public final class PredictorTraining implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PredictorTraining.class);
    private static final int MAX_EXAMPLES = 50_000;

    /** What a training run did. */
    public record Summary(boolean trained, int examples, int reasons, long millis, String note) {}

    private final CallRepository calls;
    private final CustomerRepository customers;
    private final CallReasonPredictor predictor;
    private final int minExamples;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private volatile java.util.concurrent.ScheduledFuture<?> schedule;
    private final java.util.concurrent.atomic.AtomicLong notPromoted = new java.util.concurrent.atomic.AtomicLong();
    private volatile String lastNote = "not trained yet"; // written by the training thread only

    public PredictorTraining(CallRepository calls, CustomerRepository customers, CallReasonPredictor predictor, int minExamples, Clock clock) {
        this.calls = calls;
        this.customers = customers;
        this.predictor = predictor;
        this.minExamples = minExamples;
        this.clock = clock;
    }

    /** Trains now and then {@code interval} after each training ends, on the server's {@code timers}. */
    public PredictorTraining every(java.util.concurrent.ScheduledExecutorService timers, Duration interval) {
        schedule = timers.scheduleWithFixedDelay(() -> {
            try {
                trainNow();
            } catch (RuntimeException e) { // an exception would cancel the schedule: log it and train again next time
                log.error("event=predictor_training_failed", e);
            }
        }, 0, interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** Trains from the database and swaps the model in. Blocks for the training (seconds). */
    public Summary trainNow() {
        running.lock();
        try {
            long t0 = System.nanoTime();
            List<CallReasonPredictor.Example> examples = examples();
            Optional<CallReasonPredictor.Learned> learned = CallReasonPredictor.train(examples, minExamples, clock.instant());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (learned.isEmpty()) {
                String note = "kept " + (predictor.learned().isPresent() ? "the previous model" : "the reasons.yml rules")
                        + ": " + examples.size() + " labelled calls, need " + minExamples + " with 2+ reasons";
                log.info("event=predictor_not_trained examples={} min={} ms={}", examples.size(), minExamples, ms);
                lastNote = note;
                return new Summary(false, examples.size(), 0, ms, note);
            }
            var live = predictor.learned();
            if (live.isPresent()) {
                double liveTop1 = CallReasonPredictor.validationTop1(live.get(), examples);
                double candidateTop1 = learned.get().validation().top1();
                if (!Double.isNaN(candidateTop1) && candidateTop1 < liveTop1) {
                    notPromoted.incrementAndGet();
                    String note = String.format(java.util.Locale.ROOT, "kept live model %s: candidate validated worse (top1 %.4f < %.4f on the newest %d calls)",
                            live.get().version(), candidateTop1, liveTop1, learned.get().validation().n());
                    log.info("event=predictor_not_promoted reason=validated_worse candidate_top1={} live_top1={} examples={} ms={}",
                            String.format(java.util.Locale.ROOT, "%.4f", candidateTop1), String.format(java.util.Locale.ROOT, "%.4f", liveTop1), examples.size(), ms);
                    lastNote = note;
                    return new Summary(false, examples.size(), learned.get().reasons(), ms, note);
                }
            }
            predictor.update(learned.get());
            var v = learned.get().validation();
            log.info("event=predictor_trained version={} learner={} examples={} reasons={} validation_top1={} threshold={} coverage={} ms={}",
                    learned.get().version(), v.chosen(), learned.get().examples(), learned.get().reasons(),
                    String.format(java.util.Locale.ROOT, "%.4f", v.top1()), String.format(java.util.Locale.ROOT, "%.4f", v.threshold()),
                    String.format(java.util.Locale.ROOT, "%.4f", v.coverage()), ms);
            lastNote = "learned model live";
            return new Summary(true, learned.get().examples(), learned.get().reasons(), ms, "learned model live");
        } finally {
            running.unlock();
        }
    }

    /** Candidates not promoted because they validated worse than the live model. */
    public long notPromoted() { return notPromoted.get(); }

    /** The live model as {@code GET /api/predictor} shows it. */
    public Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        var live = predictor.learned();
        if (live.isEmpty()) {
            out.put("model", "reasons.yml rules");
        } else {
            var m = live.get();
            var v = m.validation();
            out.put("model", "learned");
            out.put("version", m.version());
            out.put("learner", v.chosen().name().toLowerCase());
            out.put("screened_features", v.screened());
            out.put("trained_at", m.trainedAt().toString());
            out.put("examples", m.examples());
            out.put("reasons", m.reasons());
            out.put("validation_calls", v.n());
            out.put("validation_top1", finite(v.top1()));
            out.put("validation_top1_by_learner", v.top1ByKind().entrySet().stream().collect(java.util.stream.Collectors.toMap(e -> e.getKey().name().toLowerCase(), Map.Entry::getValue)));
            out.put("temperature", v.temperature());
            out.put("confirm_threshold", v.threshold());
            out.put("confirm_precision", finite(v.precision()));
            out.put("confirm_coverage", v.coverage());
        }
        out.put("not_promoted", notPromoted.get());
        out.put("last_training", lastNote);
        return out;
    }

    private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

    private List<CallReasonPredictor.Example> examples() {
        var labelled = calls.labelledCalls(MAX_EXAMPLES);
        Map<Long, List<CustomerEvent>> histories = customers.histories(labelled.stream().map(CallRepository.LabelledCall::customerId).distinct().toList());
        Map<Long, String> tiers = new HashMap<>();
        Map<Long, List<PastCall>> earlier = new HashMap<>();
        List<CallReasonPredictor.Example> out = new ArrayList<>(labelled.size());
        for (var c : labelled) {
            String tier = tiers.computeIfAbsent(c.customerId(), id -> customers.findById(id).map(x -> x.tier()).orElse("standard"));
            List<CustomerEvent> before = histories.getOrDefault(c.customerId(), List.of()).stream().filter(e -> e.occurredAt().isBefore(c.startedAt())).toList();
            List<PastCall> past = List.copyOf(earlier.getOrDefault(c.customerId(), List.of()));
            out.add(new CallReasonPredictor.Example(before, past, tier, c.startedAt(), c.reason()));
            earlier.computeIfAbsent(c.customerId(), k -> new ArrayList<>()).add(new PastCall(c.startedAt(), c.reason()));
        }
        return out;
    }

    @Override
    public void close() {
        var s = schedule;
        if (s != null) s.cancel(false);
    }
}
