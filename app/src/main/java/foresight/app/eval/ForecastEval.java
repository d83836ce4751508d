package foresight.app.eval;

import foresight.app.forecast.ArrivalForecast;
import foresight.app.forecast.ErlangC;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code forecast-eval CALLS.csv}: holds out the last 7 days of a call history (any CSV with a {@code started_at}
 * ISO-8601 column), forecasts each 15-minute interval from what came before, and compares with the naive forecast
 * "same interval last week". MAPE is taken over intervals with at least one actual call. Also {@code forecast}:
 * the week ahead with the agents Erlang C says each interval needs.
 */
public final class ForecastEval {
    /** The figures of one evaluation. */
    public record Result(double mape, double naiveMape, int intervals) {}

    private ForecastEval() {}

    static List<Instant> starts(Path csv) throws IOException {
        List<Instant> out = new ArrayList<>();
        int line = 1;
        for (Map<String, String> row : CsvTable.read(csv, "started_at")) {
            line++;
            String v = row.get("started_at");
            try {
                out.add(v.endsWith("Z") ? Instant.parse(v) : OffsetDateTime.parse(v).toInstant());
            } catch (DateTimeParseException e) {
                throw new IOException(csv + ":" + line + ": started_at '" + v + "' is not an ISO-8601 time (e.g. 2026-11-25T10:15:00Z)");
            }
        }
        if (out.isEmpty()) throw new IOException(csv + ": no calls");
        out.sort(null);
        return out;
    }

    public static Result run(Path csv, PrintStream out) throws IOException {
        List<Instant> starts = starts(csv);
        Instant end = starts.getLast().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant holdout = end.minus(Duration.ofDays(7));
        if (Duration.between(starts.getFirst(), holdout).toDays() < 7) {
            throw new IOException(csv + ": needs at least two weeks of calls (has " + Duration.between(starts.getFirst(), end).toDays() + " days)");
        }
        ArrivalForecast model = ArrivalForecast.learn(starts, starts.getFirst(), holdout);
        Map<Instant, Integer> counts = new HashMap<>();
        for (Instant t : starts) counts.merge(intervalOf(t), 1, Integer::sum);
        double ape = 0, naiveApe = 0;
        int n = 0;
        double[] dayActual = new double[7], dayForecast = new double[7];
        for (Instant t = holdout; t.isBefore(end); t = t.plus(ArrivalForecast.INTERVAL)) {
            int actual = counts.getOrDefault(t, 0);
            double f = model.at(t);
            int day = (int) Duration.between(holdout, t).toDays();
            dayActual[day] += actual;
            dayForecast[day] += f;
            if (actual == 0) continue;
            int naive = counts.getOrDefault(t.minus(Duration.ofDays(7)), 0);
            ape += Math.abs(f - actual) / actual;
            naiveApe += Math.abs(naive - actual) / (double) actual;
            n++;
        }
        out.printf("forecast-eval: %s, %d calls from %s to %s; learned from the days before %s, held out the last 7 days%n",
                csv, starts.size(), starts.getFirst(), starts.getLast(), holdout);
        out.println("day         actual  forecast");
        for (int d = 0; d < 7; d++) out.printf("%s  %6.0f  %8.1f%n", holdout.plus(Duration.ofDays(d)).toString().substring(0, 10), dayActual[d], dayForecast[d]);
        var r = new Result(n == 0 ? 0 : ape / n, n == 0 ? 0 : naiveApe / n, n);
        out.printf("mape=%.4f naive_mape=%.4f intervals=%d%n", r.mape(), r.naiveMape(), r.intervals());
        return r;
    }

    /** The week after the history: per day the calls expected, the busiest interval and the agents it needs. */
    public static void forecast(Path csv, double ahtSeconds, double target, double withinSeconds, PrintStream out) throws IOException {
        List<Instant> starts = starts(csv);
        Instant end = starts.getLast().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        ArrivalForecast model = ArrivalForecast.learn(starts, starts.getFirst(), end);
        double intervalSeconds = ArrivalForecast.INTERVAL.toSeconds();
        out.printf("forecast from %d calls; AHT %.0f s; target %.0f %% answered within %.0f s (Erlang C)%n", starts.size(), ahtSeconds, target * 100, withinSeconds);
        out.println("day         calls  busiest  calls/15min  agents  agent-hours");
        for (int d = 0; d < 7; d++) {
            Instant day = end.plus(Duration.ofDays(d));
            double calls = 0, peak = -1, agentHours = 0;
            Instant peakAt = day;
            int peakAgents = 0;
            for (Instant t = day; t.isBefore(day.plus(Duration.ofDays(1))); t = t.plus(ArrivalForecast.INTERVAL)) {
                double f = model.at(t);
                calls += f;
                int agents = ErlangC.agentsNeeded(f, intervalSeconds, ahtSeconds, target, withinSeconds);
                agentHours += agents * 0.25;
                if (f > peak) {
                    peak = f;
                    peakAt = t;
                    peakAgents = agents;
                }
            }
            out.printf("%s  %5.0f  %s  %11.1f  %6d  %11.1f%n", day.toString().substring(0, 10), calls, peakAt.toString().substring(11, 16), peak, peakAgents, agentHours);
        }
    }

    private static Instant intervalOf(Instant t) {
        long s = t.getEpochSecond();
        return Instant.ofEpochSecond(s - Math.floorMod(s, ArrivalForecast.INTERVAL.toSeconds()));
    }
}
