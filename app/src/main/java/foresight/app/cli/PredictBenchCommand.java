package foresight.app.cli;

import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerRepository;
import foresight.flows.load.OperatorFiles;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.PastCall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * What the caller lookup costs at INVITE on a database of a bank's size: fills a fresh embedded PostgreSQL with
 * CUSTOMERS customers, EVENTS history events and CALLS past calls (SQL {@code generate_series}), then times the
 * server's lookup for random callers exactly as {@code FlowRunner} runs it (customer by phone, 200 newest events,
 * 20 labelled past calls, the prediction). Prints {@code lookup_p50_ms=… lookup_p99_ms=… db_p99_ms=… predict_p99_ms=…}.
 */
@Command(name = "predict-bench", description = "Time the caller lookup + prediction at INVITE on a database of CUSTOMERS customers and EVENTS events "
        + "(a fresh embedded PostgreSQL in a temporary folder). The prediction uses the operator folder's reasons.yml rules (no learned model).")
public final class PredictBenchCommand implements Callable<Integer> {
    @Option(names = "--customers", defaultValue = "20000") int customers;
    @Option(names = "--events", defaultValue = "400000") int events;
    @Option(names = "--calls", defaultValue = "100000") int calls;
    @Option(names = "--lookups", defaultValue = "3000") int lookups;
    @Option(names = "--operator", defaultValue = "examples/hotline", description = "Operator folder whose reasons are predicted") Path operator;

    @Override
    public Integer call() throws Exception {
        var reasons = OperatorFiles.load(operator).reasons();
        Path dir = Files.createTempDirectory("foresight-predict-bench");
        try (Database db = Database.open(new DatabaseConfig(null, null, null, dir.resolve("pg"), 4))) {
            long t0 = System.nanoTime();
            var dsl = db.dsl();
            dsl.execute("insert into customers(phone, first_name, last_name, tier) select '+1777' || lpad(i::text, 7, '0'), 'First' || i, 'Last' || i, "
                    + "case when i % 10 = 0 then 'gold' else 'standard' end from generate_series(1, ?) i", customers);
            dsl.execute("insert into customer_events(customer_id, occurred_at, type, status, attributes) select 1 + (i % ?), "
                    + "now() - (random() * interval '180 days'), (array['order_placed','payment_failed','refund_requested','refund_paid','card_declined',"
                    + "'card_dispatched','login_failed','app_opened','newsletter_sent','ticket_opened'])[1 + (i % 10)], "
                    + "(array['open','closed'])[1 + (i % 2)], jsonb_build_object('order_id', i, 'amount', (i % 500) + 0.99) from generate_series(1, ?) i",
                    customers, events);
            dsl.execute("insert into calls(id, sip_call_id, caller, customer_id, started_at, status, confirmed_reason) select 'bench-' || i, 'sip-' || i, "
                    + "'+1777' || lpad((1 + (i % ?))::text, 7, '0'), 1 + (i % ?), now() - (random() * interval '365 days'), 'completed', "
                    + "(array['refund','card_lost','payment_failed','other'])[1 + (i % 4)] from generate_series(1, ?) i", customers, customers, calls);
            dsl.execute("analyze");
            System.out.printf("filled: %d customers, %d events, %d calls in %d ms%n", customers, events, calls, (System.nanoTime() - t0) / 1_000_000);
            var customerRepo = new CustomerRepository(dsl);
            var callRepo = new CallRepository(dsl);
            var predictor = new CallReasonPredictor();
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
            System.out.printf("lookups=%d predicted=%d lookup_p50_ms=%.2f lookup_p99_ms=%.2f db_p99_ms=%.2f predict_p99_ms=%.2f%n", lookups, predicted,
                    pct(total, 0.50), pct(total, 0.99), pct(dbMs, 0.99), pct(predictMs, 0.99));
            return 0;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static double pct(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
    }
}
