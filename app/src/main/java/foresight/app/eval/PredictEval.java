package foresight.app.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import foresight.speech.classify.LogisticModel;
import foresight.speech.classify.Ranked;
import foresight.speech.predict.HistoryEvent;
import foresight.speech.predict.HistoryFeatures;
import foresight.speech.predict.PastCall;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures issue prediction on any history in the {@code customers.csv / events.csv / calls.csv} format:
 * calls sorted by time, the first 80 % train the model, each of the last 20 % is predicted from the events
 * and calls strictly before it (no look-ahead). Prints baselines and the model, then
 * {@code top1=… top3=… n=… p99_ms=…} as the last line.
 */
public final class PredictEval {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private record Call(String customer, Instant at, String reason) {}

    /** Everything the evaluation reports. */
    public record Result(double top1, double top3, int n, double p99Ms, double baselineTop1, double baselineTop3) {}

    private PredictEval() {}

    public static Result run(Path dir, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        Map<String, String> tiers = new HashMap<>();
        for (var row : CsvTable.read(dir.resolve("customers.csv"), "customer_id", "tier")) tiers.put(row.get("customer_id"), row.get("tier"));
        Map<String, List<HistoryEvent>> events = new HashMap<>();
        int skipped = 0, line = 1;
        for (var row : CsvTable.read(dir.resolve("events.csv"), "customer_id", "occurred_at", "type", "attributes")) {
            line++;
            try {
                String attrs = row.getOrDefault("attributes", "");
                events.computeIfAbsent(row.get("customer_id"), k -> new ArrayList<>()).add(new HistoryEvent(time(row.get("occurred_at")), row.get("type"),
                        attrs == null || attrs.isBlank() ? Map.of() : JSON.readValue(attrs, MAP)));
            } catch (IOException | RuntimeException e) {
                if (skipped++ < 5) System.err.println(dir.resolve("events.csv") + ":" + line + ": skipped: " + e.getMessage());
            }
        }
        events.values().forEach(l -> l.sort(Comparator.comparing(HistoryEvent::at)));
        List<Call> calls = new ArrayList<>();
        for (var row : CsvTable.read(dir.resolve("calls.csv"), "customer_id", "started_at", "reason")) {
            calls.add(new Call(row.get("customer_id"), time(row.get("started_at")), row.get("reason")));
        }
        calls.sort(Comparator.comparing(Call::at));
        if (calls.size() < 10) throw new IOException(dir.resolve("calls.csv") + ": need at least 10 calls, found " + calls.size());
        Map<String, List<PastCall>> pastCalls = new HashMap<>();
        for (Call c : calls) pastCalls.computeIfAbsent(c.customer(), k -> new ArrayList<>()).add(new PastCall(c.at(), c.reason()));
        int split = (int) Math.floor(calls.size() * 0.8);

        List<Map<String, Double>> features = new ArrayList<>(calls.size());
        for (Call c : calls) features.add(featuresAt(c, events, pastCalls, tiers));
        LogisticModel model = LogisticModel.train(features.subList(0, split), calls.subList(0, split).stream().map(Call::reason).toList(), 8);

        // Baselines learned from the training part only.
        Map<String, Integer> freq = new HashMap<>();
        Map<String, Map<String, Integer>> byLastEvent = new HashMap<>();
        for (int i = 0; i < split; i++) {
            Call c = calls.get(i);
            freq.merge(c.reason(), 1, Integer::sum);
            byLastEvent.computeIfAbsent(lastEventType(c, events), k -> new HashMap<>()).merge(c.reason(), 1, Integer::sum);
        }
        List<String> mostFrequent = top(freq);

        int n = calls.size() - split, hit1 = 0, hit3 = 0, f1 = 0, f3 = 0, l1 = 0, l3 = 0;
        long[] nanos = new long[n];
        for (int i = split; i < calls.size(); i++) {
            Call c = calls.get(i);
            long s = System.nanoTime();
            List<Ranked> ranked = model.rank(featuresAt(c, events, pastCalls, tiers));
            nanos[i - split] = System.nanoTime() - s;
            if (ranked.getFirst().label().equals(c.reason())) hit1++;
            if (ranked.stream().limit(3).anyMatch(r -> r.label().equals(c.reason()))) hit3++;
            if (mostFrequent.getFirst().equals(c.reason())) f1++;
            if (mostFrequent.stream().limit(3).anyMatch(c.reason()::equals)) f3++;
            List<String> rule = top(byLastEvent.getOrDefault(lastEventType(c, events), freq));
            if (rule.getFirst().equals(c.reason())) l1++;
            if (rule.stream().limit(3).anyMatch(c.reason()::equals)) l3++;
        }
        Arrays.sort(nanos);
        double p50 = nanos[n / 2] / 1e6, p99 = nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6;
        out.printf("predict-eval %s: %d customers, %d events, %d calls (%d train, %d test), %d reasons%s, %.1f s%n", dir, tiers.size(),
                events.values().stream().mapToInt(List::size).sum(), calls.size(), split, n, freq.size(),
                skipped > 0 ? ", " + skipped + " event rows skipped" : "", (System.nanoTime() - t0) / 1e9);
        out.printf("%-40s %7s %7s%n", "method", "top1", "top3");
        out.printf("%-40s %7.4f %7.4f%n", "baseline: most frequent reason", (double) f1 / n, (double) f3 / n);
        out.printf("%-40s %7.4f %7.4f%n", "baseline: most recent event type -> reason", (double) l1 / n, (double) l3 / n);
        out.printf("%-40s %7.4f %7.4f%n", "learned: logistic regression (Tribuo)", (double) hit1 / n, (double) hit3 / n);
        out.printf("prediction latency (features + model): p50 %.3f ms, p99 %.3f ms%n", p50, p99);
        out.printf("top1=%.4f top3=%.4f n=%d p99_ms=%.3f%n", (double) hit1 / n, (double) hit3 / n, n, p99);
        return new Result((double) hit1 / n, (double) hit3 / n, n, p99, (double) f1 / n, (double) f3 / n);
    }

    private static Map<String, Double> featuresAt(Call c, Map<String, List<HistoryEvent>> events, Map<String, List<PastCall>> calls, Map<String, String> tiers) {
        return HistoryFeatures.of(before(events.getOrDefault(c.customer(), List.of()), c.at(), HistoryEvent::at),
                before(calls.getOrDefault(c.customer(), List.of()), c.at(), PastCall::at), tiers.get(c.customer()), c.at());
    }

    /** The prefix of a time-sorted list strictly before {@code t} (binary search), at most the last 200 items. */
    private static <T> List<T> before(List<T> sorted, Instant t, java.util.function.Function<T, Instant> time) {
        int lo = 0, hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time.apply(sorted.get(mid)).isBefore(t)) lo = mid + 1; else hi = mid;
        }
        return sorted.subList(Math.max(0, lo - 200), lo);
    }

    private static String lastEventType(Call c, Map<String, List<HistoryEvent>> events) {
        List<HistoryEvent> b = before(events.getOrDefault(c.customer(), List.of()), c.at(), HistoryEvent::at);
        return b.isEmpty() ? "(none)" : b.getLast().type();
    }

    private static List<String> top(Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }

    static Instant time(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return java.time.LocalDateTime.parse(s.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
            }
        }
    }
}
