package foresight.app.forecast;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Calls per 15-minute interval for the week ahead, from a call history: for each weekday × interval, the counts of
 * past weeks smoothed exponentially (newest weeks weigh most, {@link #ALPHA}), so a contact center's daily and
 * weekly shape is kept while one odd week does not dominate. Times are UTC. Pure and immutable.
 */
public final class ArrivalForecast {
    public static final Duration INTERVAL = Duration.ofMinutes(15);
    static final int PER_DAY = 96;
    static final int PER_WEEK = PER_DAY * 7;
    /** Weight of the newest week in the smoothed profile. */
    static final double ALPHA = 0.15;

    private final double[] profile; // by slot of the week (Monday 00:00 = 0)

    private ArrivalForecast(double[] profile) { this.profile = profile; }

    /** Learns from calls that started in [{@code from}, {@code to}); {@code to} should be the start of a day. */
    public static ArrivalForecast learn(List<Instant> starts, Instant from, Instant to) {
        long weeks = Math.max(1, Duration.between(from, to).toDays() / 7);
        Instant first = to.minus(Duration.ofDays(7 * weeks));
        double[][] counts = new double[(int) weeks][PER_WEEK];
        for (Instant t : starts) {
            if (t.isBefore(first) || !t.isBefore(to)) continue;
            int week = (int) (Duration.between(first, t).toDays() / 7);
            counts[week][slotOfWeek(t)]++;
        }
        double[] s = counts[0].clone();
        for (int w = 1; w < weeks; w++) for (int i = 0; i < PER_WEEK; i++) s[i] = ALPHA * counts[w][i] + (1 - ALPHA) * s[i];
        return new ArrivalForecast(s);
    }

    /** Expected calls in the 15-minute interval starting at {@code t}. */
    public double at(Instant t) { return profile[slotOfWeek(t)]; }

    static int slotOfWeek(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        int day = z.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue();
        return day * PER_DAY + z.getHour() * 4 + z.getMinute() / 15;
    }
}
