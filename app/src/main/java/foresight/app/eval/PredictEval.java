package foresight.app.eval;

import foresight.speech.classify.Ranked;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.HistoryEvent;
import foresight.speech.predict.HistoryFeatures;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.PredictorFit;
import foresight.speech.predict.ReasonModel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures issue prediction on any history in the {@code customers.csv / events.csv / calls.csv} format:
 * calls sorted by time, the first 80 % train (the newest fifth of those validates: learner, calibration, confirm
 * threshold), each of the last 20 % is predicted from the events and calls strictly before it (no look-ahead).
 * With an {@code oracle.csv} (written by the simulated shapes) it prints the Bayes-optimal top-1 beside the model.
 * Prints baselines and the model, then
 * {@code top1=… top3=… n=… p99_ms=… confirm_precision=… confirm_coverage=…} as the last line.
 */
public final class PredictEval {
    private static final int MAX_HISTORY = 200;
    private static final int LATENCY_SAMPLE = 1000;

    /**
     * Everything the evaluation reports; {@code oracleTop1} is NaN without an oracle file, {@code expectedTop1} (the
     * true probability of the model's first choice, averaged over the test calls) NaN without its {@code p_…} columns.
     */
    public record Result(double top1, double top3, int n, double p99Ms, double baselineTop1, double baselineTop3,
                         double oracleTop1, double expectedTop1, double threshold, double confirmPrecision, double confirmCoverage, ReasonModel.Kind chosen) {}

    private PredictEval() {}

    public static Result run(Path dir, PrintStream out) throws IOException { return run(dir, out, null); }

    /** Runs the evaluation; {@code predictionsFile} (may be null) gets one row per test call. */
    public static Result run(Path dir, PrintStream out, Path predictionsFile) throws IOException {
        long t0 = System.nanoTime();
        HistoryFolder h = HistoryFolder.read(dir);
        List<HistoryFolder.Call> calls = h.calls();
        if (calls.size() < 10) throw new HistoryFolder.BadHistoryException(dir.resolve("calls.csv") + ": need at least 10 calls, found " + calls.size());
        Map<String, List<PastCall>> pastCalls = new HashMap<>();
        for (var c : calls) pastCalls.computeIfAbsent(c.customer(), k -> new ArrayList<>()).add(new PastCall(c.at(), c.reason()));
        int split = (int) Math.floor(calls.size() * 0.8);
        List<Map<String, Double>> trainF = new ArrayList<>(split);
        for (var c : calls.subList(0, split)) trainF.add(featuresAt(c, h, pastCalls));
        List<String> trainL = calls.subList(0, split).stream().map(HistoryFolder.Call::reason).toList();
        var fitted = PredictorFit.fit(trainF, trainL, List.of(ReasonModel.Kind.values()), CallReasonPredictor.CONFIRM_PRECISION);
        ReasonModel model = fitted.model();
        var v = fitted.validation();
        long trainedNs = System.nanoTime() - t0;

        Map<String, Integer> freq = new HashMap<>();
        Map<String, Map<String, Integer>> byLastEvent = new HashMap<>();
        for (int i = 0; i < split; i++) {
            var c = calls.get(i);
            freq.merge(c.reason(), 1, Integer::sum);
            byLastEvent.computeIfAbsent(lastEventType(c, h), k -> new HashMap<>()).merge(c.reason(), 1, Integer::sum);
        }
        List<String> mostFrequent = top(freq);

        int n = calls.size() - split, hit1 = 0, hit3 = 0, f1 = 0, f3 = 0, l1 = 0, l3 = 0, asked = 0, askedRight = 0, oracleN = 0, oracleHit = 0, posteriorN = 0;
        double oracleSum = 0, modelExpected = 0;
        List<Map<String, Double>> testF = new ArrayList<>(n);
        for (var c : calls.subList(split, calls.size())) testF.add(featuresAt(c, h, pastCalls));
        List<List<Ranked>> ranks = model.rankAll(testF);
        // Latency as the live path sees it: one call's features and one model call, timed on up to LATENCY_SAMPLE calls.
        long[] nanos = new long[Math.min(n, LATENCY_SAMPLE)];
        for (int i = 0; i < nanos.length; i++) {
            long s = System.nanoTime();
            model.rank(featuresAt(calls.get(split + i), h, pastCalls));
            nanos[i] = System.nanoTime() - s;
        }
        PrintWriter rows = predictionsFile == null ? null : new PrintWriter(Files.newBufferedWriter(predictionsFile));
        try {
            if (rows != null) rows.println("call_id,predicted,confidence,second,third,asked");
            for (int i = split; i < calls.size(); i++) {
                var c = calls.get(i);
                List<Ranked> ranked = ranks.get(i - split);
                Ranked first = ranked.getFirst();
                boolean ask = first.probability() >= v.threshold();
                if (first.label().equals(c.reason())) hit1++;
                if (ranked.stream().limit(3).anyMatch(r -> r.label().equals(c.reason()))) hit3++;
                if (ask) { asked++; if (first.label().equals(c.reason())) askedRight++; }
                if (mostFrequent.getFirst().equals(c.reason())) f1++;
                if (mostFrequent.stream().limit(3).anyMatch(c.reason()::equals)) f3++;
                List<String> rule = top(byLastEvent.getOrDefault(lastEventType(c, h), freq));
                if (rule.getFirst().equals(c.reason())) l1++;
                if (rule.stream().limit(3).anyMatch(c.reason()::equals)) l3++;
                Double best = h.oracleBest().get(c.id());
                if (best != null) { oracleN++; oracleSum += best; if (c.reason().equals(h.oracleArgmax().get(c.id()))) oracleHit++; }
                Map<String, Double> posterior = h.oraclePosterior().get(c.id());
                if (posterior != null) { posteriorN++; modelExpected += posterior.getOrDefault(first.label(), 0.0); }
                if (rows != null) rows.printf(Locale.ROOT, "%s,%s,%.4f,%s,%s,%b%n", c.id(), first.label(), first.probability(),
                        ranked.size() > 1 ? ranked.get(1).label() : "", ranked.size() > 2 ? ranked.get(2).label() : "", ask);
            }
        } finally {
            if (rows != null) rows.close();
        }
        Arrays.sort(nanos);
        int m = nanos.length;
        double p50 = nanos[m / 2] / 1e6, p99 = nanos[Math.min(m - 1, (int) Math.ceil(m * 0.99) - 1)] / 1e6;
        double top1 = (double) hit1 / n, top3 = (double) hit3 / n, precision = asked == 0 ? Double.NaN : (double) askedRight / asked, coverage = (double) asked / n;
        double oracle = oracleN == n ? oracleSum / n : Double.NaN;
        out.printf(Locale.ROOT, "predict-eval %s: %d customers, %d events, %d calls (%d train, %d test), %d reasons, trained in %.1f s%n", dir, h.tiers().size(),
                h.events().values().stream().mapToInt(List::size).sum(), calls.size(), split, n, freq.size(), trainedNs / 1e9);
        int late = eventsAfterLastCall(h);
        if (late > 0) out.printf(Locale.ROOT, "note: %d events are later than their customer's last call; each call only sees the events before it%n", late);
        out.printf(Locale.ROOT, "validation (newest %d of the training calls): %s -> chosen %s%s, temperature %.2f, confirm threshold %.4f (precision %.4f, coverage %.4f)%n",
                v.n(), v.top1ByCandidate(), v.chosen(), v.screened() ? " on the screened features" : "", v.temperature(), v.threshold(), v.precision(), v.coverage());
        out.printf("%-44s %7s %7s%n", "method", "top1", "top3");
        out.printf(Locale.ROOT, "%-44s %7.4f %7.4f%n", "baseline: most frequent reason", (double) f1 / n, (double) f3 / n);
        out.printf(Locale.ROOT, "%-44s %7.4f %7.4f%n", "baseline: most recent event type -> reason", (double) l1 / n, (double) l3 / n);
        out.printf(Locale.ROOT, "%-44s %7.4f %7.4f%n", "learned: " + v.chosen().name().toLowerCase() + " (Tribuo)", top1, top3);
        if (!Double.isNaN(oracle)) {
            // Expected accuracy of the Bayes classifier on these calls: the mean of max_r P(r | history) (lower variance
            // than counting its hits, which is printed beside it).
            out.printf(Locale.ROOT, "oracle_top1=%.4f (mean over test calls of max_r P(r | history); the Bayes argmax scored %.4f) model/oracle=%.3f%n",
                    oracle, (double) oracleHit / n, top1 / oracle);
            if (posteriorN == n && !Double.isNaN(oracle)) {
                // The same comparison without the sampling noise of which reason each test call happened to have: the
                // true probability of the model's first choice, averaged (±2 standard errors of the counted top-1 beside it).
                out.printf(Locale.ROOT, "model_expected_top1=%.4f (mean over test calls of P(model's first choice | history)) expected/oracle=%.3f; "
                        + "the counted top1 has a standard error of ±%.3f of the oracle on %d calls%n",
                        modelExpected / n, modelExpected / n / oracle, Math.sqrt(top1 * (1 - top1) / n) / oracle, n);
            }
        }
        out.printf(Locale.ROOT, "prediction latency (features + model): p50 %.3f ms, p99 %.3f ms%n", p50, p99);
        out.printf(Locale.ROOT, "top1=%.4f top3=%.4f n=%d p99_ms=%.3f confirm_precision=%s confirm_coverage=%.4f%n", top1, top3, n, p99,
                Double.isNaN(precision) ? "nan" : String.format(Locale.ROOT, "%.4f", precision), coverage);
        return new Result(top1, top3, n, p99, (double) f1 / n, (double) f3 / n, oracle, posteriorN == n ? modelExpected / n : Double.NaN,
                v.threshold(), precision, coverage, v.chosen());
    }

    private static Map<String, Double> featuresAt(HistoryFolder.Call c, HistoryFolder h, Map<String, List<PastCall>> calls) {
        return HistoryFeatures.of(before(h.events().getOrDefault(c.customer(), List.of()), c.at(), HistoryEvent::at),
                before(calls.getOrDefault(c.customer(), List.of()), c.at(), PastCall::at), h.tiers().get(c.customer()), c.at());
    }

    /** The prefix of a time-sorted list strictly before {@code t} (binary search), at most the last {@value #MAX_HISTORY} items. */
    private static <T> List<T> before(List<T> sorted, Instant t, java.util.function.Function<T, Instant> time) {
        int lo = 0, hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time.apply(sorted.get(mid)).isBefore(t)) lo = mid + 1; else hi = mid;
        }
        return sorted.subList(Math.max(0, lo - MAX_HISTORY), lo);
    }

    /** Events after the newest call of their customer (customers without calls not counted): nothing ever sees them. */
    private static int eventsAfterLastCall(HistoryFolder h) {
        Map<String, Instant> lastCall = new HashMap<>();
        for (var c : h.calls()) lastCall.merge(c.customer(), c.at(), (a, b) -> a.isAfter(b) ? a : b);
        int n = 0;
        for (var e : h.events().entrySet()) {
            Instant last = lastCall.get(e.getKey());
            if (last != null) for (HistoryEvent ev : e.getValue()) if (ev.at().isAfter(last)) n++;
        }
        return n;
    }

    private static String lastEventType(HistoryFolder.Call c, HistoryFolder h) {
        List<HistoryEvent> b = before(h.events().getOrDefault(c.customer(), List.of()), c.at(), HistoryEvent::at);
        return b.isEmpty() ? "(none)" : b.getLast().type();
    }

    private static List<String> top(Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }
}
