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
 * Retrains the issue predictor from PostgreSQL: every finished call of a known customer whose reason is known
 * (confirmed, recognised, chosen in the menu) is an example, with the history exactly as it stood when the call
 * started. Runs at start-up, every {@code interval}, and on demand; one training at a time.
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
    private volatile Thread schedule;

    public PredictorTraining(CallRepository calls, CustomerRepository customers, CallReasonPredictor predictor, int minExamples, Clock clock) {
        this.calls = calls;
        this.customers = customers;
        this.predictor = predictor;
        this.minExamples = minExamples;
        this.clock = clock;
    }

    /** Trains now and every {@code interval} on a virtual thread. */
    public PredictorTraining every(Duration interval) {
        schedule = Thread.ofVirtual().name("predictor-training").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    trainNow();
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.error("event=predictor_training_failed", e);
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
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
                return new Summary(false, examples.size(), 0, ms, note);
            }
            predictor.update(learned.get());
            log.info("event=predictor_trained examples={} reasons={} ms={}", learned.get().examples(), learned.get().reasons(), ms);
            return new Summary(true, learned.get().examples(), learned.get().reasons(), ms, "learned model live");
        } finally {
            running.unlock();
        }
    }

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
        Thread t = schedule;
        if (t != null) t.interrupt();
    }
}
