package foresight.app.forecast;

/**
 * Erlang C (M/M/N queue): the probability a caller waits, the service level, and the agents needed for a target.
 * Computed through the Erlang B recursion B(k) = A·B(k−1) / (k + A·B(k−1)), C = N·B / (N − A·(1 − B)), which never
 * forms factorials or powers, so it is exact for hundreds of agents.
 */
public final class ErlangC {
    private ErlangC() {}

    /** Erlang B blocking probability for {@code erlangs} of traffic offered to {@code agents}. */
    public static double erlangB(double erlangs, int agents) {
        double b = 1;
        for (int k = 1; k <= agents; k++) b = erlangs * b / (k + erlangs * b);
        return b;
    }

    /** Probability that a call has to wait; 1 when the agents cannot keep up ({@code agents <= erlangs}). */
    public static double probabilityOfWaiting(double erlangs, int agents) {
        if (agents <= erlangs) return 1;
        double b = erlangB(erlangs, agents);
        return agents * b / (agents - erlangs * (1 - b));
    }

    /** Share of calls answered within {@code targetSeconds}, with {@code ahtSeconds} average handle time. */
    public static double serviceLevel(double erlangs, int agents, double ahtSeconds, double targetSeconds) {
        if (agents <= erlangs) return 0;
        return 1 - probabilityOfWaiting(erlangs, agents) * Math.exp(-(agents - erlangs) * targetSeconds / ahtSeconds);
    }

    /** Fewest agents whose service level reaches {@code target} (e.g. 0.8 for 80 % within {@code targetSeconds}). */
    public static int agentsNeeded(double callsPerInterval, double intervalSeconds, double ahtSeconds, double target, double targetSeconds) {
        double erlangs = callsPerInterval * ahtSeconds / intervalSeconds;
        if (erlangs <= 0) return 0;
        int n = Math.max(1, (int) Math.ceil(erlangs));
        while (serviceLevel(erlangs, n, ahtSeconds, targetSeconds) < target) n++;
        return n;
    }
}
