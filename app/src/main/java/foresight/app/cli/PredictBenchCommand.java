package foresight.app.cli;

import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerRepository;
import foresight.flows.load.OperatorFiles;
import foresight.db.customer.CustomerEvent;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.PredictorFit;
import foresight.speech.predict.ReasonModel;
import foresight.speech.reason.Reason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * What the caller lookup costs at INVITE on a database of a bank's size: fills a fresh embedded PostgreSQL with
 * CUSTOMERS customers, EVENTS history events and CALLS past calls labelled with the operator's reasons (SQL
 * {@code generate_series}), then times the server's lookup for random callers exactly as {@code FlowRunner} runs it
 * (customer by phone, 200 newest events, 20 labelled past calls, the prediction): first with the {@code reasons.yml}
 * rules, then with a learned model of each learner, trained as the server trains ({@link CallReasonPredictor#train}
 * features, {@link PredictorFit}) on the newest TRAIN_CALLS labelled calls and their histories, and put live in the
 * same {@link CallReasonPredictor}. One line per predictor:
 * {@code [learner=K ]lookups=… predicted=… lookup_p50_ms=… lookup_p99_ms=… db_p99_ms=… predict_p50_ms=… predict_p99_ms=…}.
 */
@Command(name = "predict-bench", description = "Time the caller lookup + prediction at INVITE on a database of CUSTOMERS customers and EVENTS events "
        + "(a fresh embedded PostgreSQL in a temporary folder): with the operator folder's reasons.yml rules, then with a model of each "
        + "learner trained on the newest TRAIN_CALLS labelled calls (as the server trains it) and live in the same predictor.")
public final class PredictBenchCommand implements Callable<Integer> {
    @Option(names = "--customers", defaultValue = "20000") int customers;
    @Option(names = "--events", defaultValue = "400000") int events;
    @Option(names = "--calls", defaultValue = "100000") int calls;
    @Option(names = "--lookups", defaultValue = "3000") int lookups;
    @Option(names = "--operator", defaultValue = "examples/hotline", description = "Operator folder whose reasons are predicted") Path operator;
    @Option(names = "--train-calls", defaultValue = "5000", description = "Labelled calls the learned models train on (the newest)") int trainCalls;
    @Option(names = "--learners", split = ",", defaultValue = "logistic,shallow_trees,boosted_trees",
            description = "Learners to time after the rules (none: rules only)") List<String> learners;

    @Override
    public Integer call() throws Exception {
        var reasons = OperatorFiles.load(operator).reasons();
        String[] ids = reasons.stream().map(r -> r.id()).toArray(String[]::new);
        List<ReasonModel.Kind> kinds = new ArrayList<>();
        for (String l : learners) {
            if (l.equals("none")) continue;
            try {
                kinds.add(ReasonModel.Kind.valueOf(l.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                System.err.println("predict-bench: unknown learner '" + l + "' (known: none, " + String.join(", ",
                        java.util.Arrays.stream(ReasonModel.Kind.values()).map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList()) + ")");
                return 2;
            }
        }
        Path dir = Files.createTempDirectory("foresight-predict-bench");
        try (Database db = Database.open(new DatabaseConfig(null, null, null, dir.resolve("pg"), 4))) {
            long t0 = System.nanoTime();
            var dsl = db.dsl();
            dsl.execute("insert into customers(phone, first_name, last_name, tier) select '+1777' || lpad(i::text, 7, '0'), 'First' || i, 'Last' || i, "
                    + "case when i % 10 = 0 then 'gold' else 'standard' end from generate_series(1, ?) i", customers);
            // Customer c's k-th event has the k-th type (mod 10), so every history mixes types as a real one does.
            dsl.execute("insert into customer_events(customer_id, occurred_at, type, status, attributes) select 1 + (i % ?), "
                    + "now() - (random() * interval '180 days'), (array['order_placed','payment_failed','refund_requested','refund_paid','card_declined',"
                    + "'card_dispatched','login_failed','app_opened','newsletter_sent','ticket_opened'])[1 + ((i / ?) % 10)], "
                    + "(array['open','closed'])[1 + ((i / ?) % 2)], jsonb_build_object('order_id', i, 'amount', (i % 500) + 0.99) from generate_series(0, ? - 1) i",
                    customers, customers, customers, events);
            dsl.execute("insert into calls(id, sip_call_id, caller, customer_id, started_at, status, confirmed_reason) select 'bench-' || i, 'sip-' || i, "
                    + "'+1777' || lpad((1 + (i % ?))::text, 7, '0'), 1 + (i % ?), now() - (random() * interval '365 days'), 'completed', "
                    + "(?::text[])[1 + ((i / ?) % ?)] from generate_series(0, ? - 1) i", customers, customers, ids, customers, ids.length, calls);
            dsl.execute("analyze");
            System.out.printf("filled: %d customers, %d events, %d calls in %d ms%n", customers, events, calls, (System.nanoTime() - t0) / 1_000_000);
            var customerRepo = new CustomerRepository(dsl);
            var callRepo = new CallRepository(dsl);
            var predictor = new CallReasonPredictor();
            System.out.println(time(customerRepo, callRepo, predictor, reasons, ""));
            if (!kinds.isEmpty()) {
                long t1 = System.nanoTime();
                List<Map<String, Double>> features = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                examples(customerRepo, callRepo, features, labels);
                System.out.printf("training set: %d labelled calls and their histories in %d ms%n", labels.size(), (System.nanoTime() - t1) / 1_000_000);
                for (ReasonModel.Kind kind : kinds) {
                    long t2 = System.nanoTime();
                    var fitted = PredictorFit.fit(features, labels, List.of(kind), CallReasonPredictor.CONFIRM_PRECISION);
                    predictor.update(new CallReasonPredictor.Learned(fitted.model(), labels.size(), ids.length, Instant.now(), fitted.validation()));
                    System.out.printf("trained %s in %d ms%n", kind.name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - t2) / 1_000_000);
                    System.out.println(time(customerRepo, callRepo, predictor, reasons, "learner=" + kind.name().toLowerCase(java.util.Locale.ROOT) + " "));
                }
            }
            return 0;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Times {@link #lookups} lookups of random callers (after 200 untimed ones) with whatever model {@code predictor} has live. */
    private String time(CustomerRepository customerRepo, CallRepository callRepo, CallReasonPredictor predictor, List<Reason> reasons, String prefix) {
        var random = new Random(7);
        double[] total = new double[lookups];
        double[] dbMs = new double[lookups];
        double[] predictMs = new double[lookups];
        int predicted = 0;
        for (int i = -200; i < lookups; i++) { // the first 200 warm the JIT and the pool; not counted
            String phone = String.format("+1777%07d", 1 + random.nextInt(customers));
            long a = System.nanoTime();
            var customer = customerRepo.findByPhone(phone).orElseThrow();
            Instant now = Instant.now();
            var history = customerRepo.recentEvents(customer.id(), 200);
            var past = callRepo.pastCalls(customer.id(), now, 20).stream().map(p -> new PastCall(p.startedAt(), p.reason())).toList();
            long b = System.nanoTime();
            var p = predictor.predict(reasons, history, past, customer.tier(), Map.of("first_name", customer.firstName(), "last_name",
                    customer.lastName(), "tier", customer.tier()), now);
            long c = System.nanoTime();
            if (i < 0) continue;
            if (p.isPresent()) predicted++;
            total[i] = (c - a) / 1e6;
            dbMs[i] = (b - a) / 1e6;
            predictMs[i] = (c - b) / 1e6;
        }
        return String.format(java.util.Locale.ROOT, "%slookups=%d predicted=%d lookup_p50_ms=%.2f lookup_p99_ms=%.2f db_p99_ms=%.2f predict_p50_ms=%.3f predict_p99_ms=%.3f",
                prefix, lookups, predicted, pct(total, 0.50), pct(total, 0.99), pct(dbMs, 0.99), pct(predictMs, 0.50), pct(predictMs, 0.99));
    }

    /**
     * The newest {@link #trainCalls} labelled calls as training examples, oldest first, exactly as the server's
     * training builds them: each call's history as it stood when the call started, its customer's earlier labelled calls.
     */
    private void examples(CustomerRepository customerRepo, CallRepository callRepo, List<Map<String, Double>> features, List<String> labels) {
        var labelled = callRepo.labelledCalls(trainCalls);
        var examples = new ArrayList<CallReasonPredictor.Example>(labelled.size());
        Map<Long, List<CustomerEvent>> histories = customerRepo.histories(labelled.stream().map(CallRepository.LabelledCall::customerId).distinct().toList());
        Map<Long, List<PastCall>> earlier = new java.util.HashMap<>();
        for (var c : labelled) {
            List<CustomerEvent> before = histories.getOrDefault(c.customerId(), List.of()).stream().filter(e -> e.occurredAt().isBefore(c.startedAt())).toList();
            String tier = c.customerId() % 10 == 0 ? "gold" : "standard";
            examples.add(new CallReasonPredictor.Example(before, List.copyOf(earlier.getOrDefault(c.customerId(), List.of())), tier, c.startedAt(), c.reason()));
            earlier.computeIfAbsent(c.customerId(), k -> new ArrayList<>()).add(new PastCall(c.startedAt(), c.reason()));
        }
        for (var e : examples) {
            features.add(CallReasonPredictor.features(e));
            labels.add(e.reason());
        }
    }

    private static double pct(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
    }
}
