package foresight.app.digest;

/**
 * Exact tests on counts, so a rise is flagged only when chance cannot explain it. A day's count {@code x} against a
 * baseline count {@code y} over {@code baselineDays} days is the conditional test of two Poisson rates: given
 * {@code n = x + y}, under "same daily rate" {@code x ~ Binomial(n, 1 / (1 + baselineDays))}; the p-value is the
 * upper tail {@code P(X >= x)} (one-sided, as only rises are reported). Stateless.
 */
public final class RateTest {
    private RateTest() {}

    /** One-sided p-value that {@code today} calls in one day is above the rate of {@code baseline} calls over {@code baselineDays} days. */
    public static double risePValue(int today, int baseline, double baselineDays) {
        if (baselineDays <= 0) throw new IllegalArgumentException("baselineDays must be positive, was " + baselineDays);
        return upperTail(today, today + baseline, 1.0 / (1.0 + baselineDays));
    }

    /** {@code P(X >= k)} for {@code X ~ Binomial(n, p)}, summed in log space (exact to double precision for any n). */
    public static double upperTail(int k, int n, double p) {
        check(k, n, p);
        if (k <= 0) return 1.0;
        double[] logFact = logFactorials(n);
        double sum = 0;
        for (int i = k; i <= n; i++) sum += Math.exp(logPmf(i, n, p, logFact));
        return Math.min(1.0, sum);
    }

    /** {@code P(X <= k)} for {@code X ~ Binomial(n, p)}. */
    public static double lowerTail(int k, int n, double p) {
        check(k, n, p);
        if (k >= n) return 1.0;
        double[] logFact = logFactorials(n);
        double sum = 0;
        for (int i = 0; i <= k; i++) sum += Math.exp(logPmf(i, n, p, logFact));
        return Math.min(1.0, sum);
    }

    private static void check(int k, int n, double p) {
        if (n < 0 || k < 0 || k > n) throw new IllegalArgumentException("need 0 <= k <= n, was k=" + k + " n=" + n);
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("p must be in [0, 1], was " + p);
    }

    private static double logPmf(int i, int n, double p, double[] logFact) {
        if (p == 0) return i == 0 ? 0 : Double.NEGATIVE_INFINITY;
        if (p == 1) return i == n ? 0 : Double.NEGATIVE_INFINITY;
        return logFact[n] - logFact[i] - logFact[n - i] + i * Math.log(p) + (n - i) * Math.log1p(-p);
    }

    /** {@code ln(i!)} for i = 0..n. */
    private static double[] logFactorials(int n) {
        double[] f = new double[n + 1];
        for (int i = 2; i <= n; i++) f[i] = f[i - 1] + Math.log(i);
        return f;
    }
}
