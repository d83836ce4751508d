package foresight.speech.predict;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the features whose values differ between call reasons more than chance would make them: a one-way ANOVA
 * F-test per feature (absent = 0) across the labels, kept when (K−1)·F exceeds the χ²(K−1) quantile for
 * p = {@value #P_VALUE} divided by the number of features (Bonferroni). A history full of events that say nothing about
 * the reason (app opens, newsletters) yields many features; a learner given all of them fits their chance patterns,
 * and with a few thousand calls that costs more than the weak real signals bring. The constant {@code bias} is
 * always kept (base rates). Stateless.
 */
final class FeatureScreen {
    static final double P_VALUE = 0.05;

    private FeatureScreen() {}

    /** The names of the features associated with {@code labels} in these examples, plus {@code bias}. */
    static Set<String> associated(List<Map<String, Double>> features, List<String> labels) {
        Map<String, Integer> labelIndex = new HashMap<>();
        for (String l : labels) labelIndex.putIfAbsent(l, labelIndex.size());
        int k = labelIndex.size(), n = features.size();
        int[] perLabel = new int[k];
        Map<String, double[]> sums = new HashMap<>(); // per label sum, then the total sum of squares at [k]
        for (int i = 0; i < n; i++) {
            int y = labelIndex.get(labels.get(i));
            perLabel[y]++;
            for (var e : features.get(i).entrySet()) {
                double v = e.getValue();
                if (v == 0) continue;
                double[] s = sums.computeIfAbsent(e.getKey(), x -> new double[k + 1]);
                s[y] += v;
                s[k] += v * v;
            }
        }
        Set<String> keep = new HashSet<>();
        keep.add("bias");
        if (k < 2 || n <= k) { keep.addAll(sums.keySet()); return keep; }
        double critical = chiSquareQuantile(k - 1, P_VALUE / Math.max(1, sums.size()));
        for (var e : sums.entrySet()) {
            double[] s = e.getValue();
            double total = 0, between = 0;
            for (int y = 0; y < k; y++) total += s[y];
            double mean = total / n;
            for (int y = 0; y < k; y++) if (perLabel[y] > 0) between += s[y] * s[y] / perLabel[y];
            between -= n * mean * mean;                 // Σ n_y (m_y − m)²
            double within = s[k] - (between + n * mean * mean); // Σ x² − Σ n_y m_y²
            if (within <= 1e-12) { if (between > 1e-12) keep.add(e.getKey()); continue; }
            double f = (between / (k - 1)) / (within / (n - k));
            if ((k - 1) * f > critical) keep.add(e.getKey());
        }
        return keep;
    }

    /** {@code features} restricted to {@code keep}. */
    static Map<String, Double> only(Map<String, Double> features, Set<String> keep) {
        Map<String, Double> out = new HashMap<>();
        for (var e : features.entrySet()) if (keep.contains(e.getKey())) out.put(e.getKey(), e.getValue());
        return out;
    }

    /** The χ²(df) quantile exceeded with probability {@code p} (Wilson–Hilferty; ample for a screening cut-off). */
    static double chiSquareQuantile(int df, double p) {
        double z = normalUpperQuantile(p), a = 2.0 / (9.0 * df);
        double c = 1 - a + z * Math.sqrt(a);
        return df * c * c * c;
    }

    /** z with P(Z &gt; z) = p for a standard normal (Acklam's rational approximation, tail branch, p ≤ 0.5). */
    static double normalUpperQuantile(double p) {
        if (p >= 0.5) return 0;
        double q = Math.sqrt(-2 * Math.log(p));
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        return -x;
    }
}
