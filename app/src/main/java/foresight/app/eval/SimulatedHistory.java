package foresight.app.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes a history drawn from a {@link HistoryShape} in the {@code predict-eval} format, plus {@code oracle.csv}:
 * for every call the true posterior P(reason | history before the call), from which the Bayes-optimal top-1 follows.
 * Calls are drawn by Ogata thinning: between two events every intensity only decays, so the intensity just after
 * the last event or call bounds it until the next one.
 */
public final class SimulatedHistory {
    private static final String[] TIERS = {"standard", "standard", "standard", "gold", "vip"};
    private static final long YEAR_S = Duration.ofDays(365).toSeconds();

    private record Ev(long at, String type) {}

    private record CallRow(int customer, long at, String reason, Map<String, Double> posterior) {}

    private SimulatedHistory() {}

    /** The shapes by name. */
    public static List<String> shapes() { return HistoryShape.ALL.stream().map(HistoryShape::name).toList(); }

    /** Writes customers.csv, events.csv, calls.csv and oracle.csv for {@code shapeName}; throws on an unknown shape. */
    public static HistoryDataGenerator.Written write(Path dir, String shapeName, int customers, long seed, Instant end) throws IOException {
        HistoryShape shape = HistoryShape.ALL.stream().filter(s -> s.name().equals(shapeName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown shape '" + shapeName + "' (known: demo, " + String.join(", ", shapes()) + ")"));
        Files.createDirectories(dir);
        Random r = new Random(seed);
        long endS = end.getEpochSecond(), startS = endS - YEAR_S;
        List<String> reasons = new ArrayList<>(new TreeMap<>(shape.basePerYear()).keySet());
        int events = 0;
        List<CallRow> calls = new ArrayList<>();
        try (var cust = new PrintWriter(Files.newBufferedWriter(dir.resolve("customers.csv")));
             var ev = new PrintWriter(Files.newBufferedWriter(dir.resolve("events.csv")))) {
            cust.println("customer_id,phone,tier,created_at");
            ev.println("event_id,customer_id,occurred_at,type,attributes");
            for (int c = 1; c <= customers; c++) {
                cust.printf("%d,+1555%07d,%s,%s%n", c, c, TIERS[r.nextInt(TIERS.length)], Instant.ofEpochSecond(startS - 86_400L * r.nextInt(900)));
                List<Ev> history = events(shape, r, startS, endS);
                for (Ev e : history) ev.printf("%d,%d,%s,%s,\"{\"\"ref\"\":%d}\"%n", ++events, c, Instant.ofEpochSecond(e.at()), e.type(), 1000 + r.nextInt(9000));
                calls.addAll(calls(shape, reasons, history, c, r, startS, endS));
            }
        }
        calls.sort(Comparator.comparingLong(CallRow::at));
        try (var out = new PrintWriter(Files.newBufferedWriter(dir.resolve("calls.csv")));
             var oracle = new PrintWriter(Files.newBufferedWriter(dir.resolve("oracle.csv")))) {
            out.println("call_id,customer_id,started_at,reason");
            oracle.println("call_id,best,best_probability," + String.join(",", reasons.stream().map(x -> "p_" + x).toList()));
            int id = 0;
            for (CallRow row : calls) {
                out.printf("%d,%d,%s,%s%n", ++id, row.customer(), Instant.ofEpochSecond(row.at()), row.reason());
                var best = row.posterior().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
                StringBuilder line = new StringBuilder().append(id).append(',').append(best.getKey()).append(',').append(String.format("%.6f", best.getValue()));
                for (String x : reasons) line.append(',').append(String.format("%.6f", row.posterior().get(x)));
                oracle.println(line);
            }
        }
        return new HistoryDataGenerator.Written(customers, events, calls.size());
    }

    private static List<Ev> events(HistoryShape shape, Random r, long startS, long endS) {
        List<Ev> out = new ArrayList<>();
        for (var o : shape.openers()) {
            for (int i = poisson(r, o.perYear()); i > 0; i--) {
                long at = startS + (long) (r.nextDouble() * YEAR_S);
                out.add(new Ev(at, o.type()));
                if (o.closedBy() != null && r.nextDouble() < o.closeProbability()) {
                    long closeAt = at + 60 + (long) (exp(r, o.closeMeanHours()) * 3600);
                    if (closeAt < endS) out.add(new Ev(closeAt, o.closedBy()));
                }
            }
        }
        for (var n : shape.noise()) for (int i = poisson(r, n.perYear()); i > 0; i--) out.add(new Ev(startS + (long) (r.nextDouble() * YEAR_S), n.type()));
        out.sort(Comparator.comparingLong(Ev::at));
        return out;
    }

    /** Ogata thinning of the call process for one customer; each call carries its exact posterior. */
    private static List<CallRow> calls(HistoryShape shape, List<String> reasons, List<Ev> history, int customer, Random r, long startS, long endS) {
        List<CallRow> out = new ArrayList<>();
        List<long[]> past = new ArrayList<>(); // {at, reason index}
        long t = startS;
        int next = 0; // first event after t
        while (t < endS) {
            while (next < history.size() && history.get(next).at() <= t) next++;
            long horizon = next < history.size() ? history.get(next).at() : endS;
            double bound = total(intensities(shape, reasons, history, next, past, t + 1));
            long candidate = t + 1 + (long) (exp(r, 1 / bound) * 3600);
            if (candidate >= horizon) { t = horizon; continue; }
            t = candidate;
            double[] lam = intensities(shape, reasons, history, next, past, t);
            double sum = total(lam);
            if (r.nextDouble() * bound > sum) continue;
            double u = r.nextDouble() * sum;
            int k = 0;
            while (k < lam.length - 1 && (u -= lam[k]) > 0) k++;
            Map<String, Double> posterior = new HashMap<>();
            for (int i = 0; i < lam.length; i++) posterior.put(reasons.get(i), lam[i] / sum);
            out.add(new CallRow(customer, t, reasons.get(k), posterior));
            past.add(new long[]{t, k});
        }
        return out;
    }

    /** λ per reason (per hour) at {@code t}, from events strictly before t ({@code history[0, upTo)} and calls before t. */
    private static double[] intensities(HistoryShape shape, List<String> reasons, List<Ev> history, int upTo, List<long[]> past, long t) {
        double[] lam = new double[reasons.size()];
        for (int i = 0; i < lam.length; i++) lam[i] = shape.basePerYear().get(reasons.get(i)) / 8760.0;
        Map<String, Long> latest = new HashMap<>();
        for (int i = 0; i < upTo; i++) if (history.get(i).at() < t) latest.put(history.get(i).type(), history.get(i).at());
        for (var o : shape.openers()) {
            Long opened = latest.get(o.type());
            if (opened == null) continue;
            Long closed = o.closedBy() == null ? null : latest.get(o.closedBy());
            if (closed != null && closed >= opened) continue;
            lam[reasons.indexOf(o.reason())] += o.strength() / o.tauHours() * Math.exp(-(t - opened) / 3600.0 / o.tauHours());
        }
        for (long[] c : past) {
            if (c[0] >= t) continue;
            var x = shape.excitation().get(reasons.get((int) c[1]));
            if (x != null) lam[(int) c[1]] += x.strength() / x.tauHours() * Math.exp(-(t - c[0]) / 3600.0 / x.tauHours());
        }
        return lam;
    }

    private static double total(double[] lam) {
        double s = 0;
        for (double v : lam) s += v;
        return s;
    }

    private static int poisson(Random r, double mean) {
        double l = Math.exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= r.nextDouble(); } while (p > l);
        return k - 1;
    }

    private static double exp(Random r, double mean) { return -mean * Math.log(1 - r.nextDouble()); }
}
