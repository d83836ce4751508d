package foresight.speech.predict;

import foresight.speech.classify.Ranked;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the issue predictor honestly: examples in time order, the oldest {@value #TRAIN_SHARE} train every
 * candidate learner, each on all features and on the features {@link FeatureScreen} finds associated with the reason
 * (histories full of uninformative events: the learner fits their chance patterns otherwise), the newest rest
 * (validation) picks the learner and feature set by top-1 — a learner that only refines a simpler one
 * ({@link ReasonModel.Kind#simpler()}: deeper trees) must beat it by more than one standard error, so that on small
 * data a lucky lead of a few calls does not pick the more complex model — fits the softmax temperature
 * (calibration, by log-loss) and the confirm threshold (lowest confidence at which the asked callers' precision
 * stays ≥ {@code targetPrecision}); then the chosen learner is refitted on all examples with that temperature
 * and threshold. Never sees a test set. Blocks for seconds; stateless.
 */
public final class PredictorFit {
    public static final double TRAIN_SHARE = 0.8;
    /** Fewer validation calls than this and the threshold is not trusted: the prompt is never asked. */
    public static final int MIN_VALIDATION = 20;
    /** A threshold above every possible confidence: never ask. */
    public static final double NEVER = 1.01;

    /** What validation measured for the chosen model. */
    public record Validation(int n, ReasonModel.Kind chosen, Map<ReasonModel.Kind, Double> top1ByKind, double top1,
                             double temperature, double threshold, double precision, double coverage, boolean screened, Map<String, Double> top1ByCandidate) {
        public Validation {
            top1ByKind = Map.copyOf(top1ByKind);
            top1ByCandidate = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(top1ByCandidate));
        }
    }

    /** A fitted model and its validation. */
    public record Fitted(ReasonModel model, Validation validation) {}

    private PredictorFit() {}

    /** {@code features} and {@code labels} oldest first. */
    public static Fitted fit(List<Map<String, Double>> features, List<String> labels, List<ReasonModel.Kind> kinds, double targetPrecision) {
        int n = features.size(), cut = (int) Math.floor(n * TRAIN_SHARE);
        if (n - cut < MIN_VALIDATION || labels.subList(0, cut).stream().distinct().count() < 2) {
            ReasonModel m = ReasonModel.train(ReasonModel.Kind.LOGISTIC, features, labels);
            return new Fitted(m, new Validation(0, ReasonModel.Kind.LOGISTIC, Map.of(), Double.NaN, 1.0, NEVER, Double.NaN, 0, false, Map.of()));
        }
        List<Map<String, Double>> trainF = features.subList(0, cut), valF = features.subList(cut, n);
        List<String> trainL = labels.subList(0, cut), valL = labels.subList(cut, n);
        Map<ReasonModel.Kind, Double> top1 = new EnumMap<>(ReasonModel.Kind.class);
        Map<String, Double> byCandidate = new java.util.LinkedHashMap<>();
        record Candidate(ReasonModel model, boolean screened, List<List<Ranked>> ranks, double acc) {}
        List<Candidate> candidates = new ArrayList<>();
        for (ReasonModel.Kind kind : kinds) {
            for (boolean screened : List.of(false, true)) {
                ReasonModel m = ReasonModel.train(kind, trainF, trainL, screened);
                List<List<Ranked>> ranks = m.rankAll(valF);
                double acc = top1(ranks, valL);
                byCandidate.put(kind.name().toLowerCase() + (screened ? "+screened" : ""), acc);
                top1.merge(kind, acc, Math::max);
                candidates.add(new Candidate(m, screened, ranks, acc));
            }
        }
        Candidate chosen = candidates.getFirst();
        for (Candidate c : candidates) if (c.acc() > chosen.acc()) chosen = c; // ties go to the earlier (cheaper) learner
        // A learner that only refines a simpler one (deeper trees) must beat it by more than one standard error of the
        // paired difference on these same calls: with a few hundred validation calls a lead of a few is mostly luck.
        for (ReasonModel.Kind simpler = chosen.model().kind().simpler(); simpler != null; simpler = simpler.simpler()) {
            Candidate best = null;
            for (Candidate c : candidates) if (c.model().kind() == simpler && (best == null || c.acc() > best.acc())) best = c;
            if (best != null && best.acc() >= chosen.acc() - pairedStandardError(chosen.ranks(), best.ranks(), valL)) chosen = best;
        }
        ReasonModel best = chosen.model();
        List<List<Ranked>> bestRanks = chosen.ranks();
        double bestAcc = chosen.acc();
        boolean bestScreened = chosen.screened();
        double t = temperature(bestRanks, valL);
        List<double[]> calibrated = calibrated(bestRanks, valL, t);
        double[] thr = threshold(calibrated, targetPrecision);
        ReasonModel refit = ReasonModel.train(best.kind(), features, labels, bestScreened).withTemperature(t);
        return new Fitted(refit, new Validation(n - cut, best.kind(), top1, bestAcc, t, thr[0], thr[1], thr[2], bestScreened, byCandidate));
    }

    /** Share of {@code ranks} whose first label is the true one. */
    public static double top1(List<List<Ranked>> ranks, List<String> labels) {
        int hit = 0;
        for (int i = 0; i < ranks.size(); i++) if (ranks.get(i).getFirst().label().equals(labels.get(i))) hit++;
        return (double) hit / ranks.size();
    }

    /**
     * Standard error of the difference in top-1 between two models on the same calls: √(b + c) / n with b, c the calls
     * exactly one of them gets right (McNemar).
     */
    public static double pairedStandardError(List<List<Ranked>> a, List<List<Ranked>> b, List<String> labels) {
        int discordant = 0;
        for (int i = 0; i < labels.size(); i++) {
            boolean ra = a.get(i).getFirst().label().equals(labels.get(i)), rb = b.get(i).getFirst().label().equals(labels.get(i));
            if (ra != rb) discordant++;
        }
        return Math.sqrt(discordant) / labels.size();
    }

    /** The temperature minimising validation log-loss, over a log grid 0.25 … 4. */
    private static double temperature(List<List<Ranked>> ranks, List<String> labels) {
        double bestT = 1, bestLoss = Double.POSITIVE_INFINITY;
        for (double t = 0.25; t <= 4.0001; t *= 1.1) {
            double loss = 0;
            for (int i = 0; i < ranks.size(); i++) loss -= Math.log(Math.max(1e-12, scaled(ranks.get(i), labels.get(i), t)));
            if (loss < bestLoss) { bestLoss = loss; bestT = t; }
        }
        return bestT;
    }

    /** P(label) after temperature scaling; 0 when the label was not among the model's. */
    private static double scaled(List<Ranked> ranked, String label, double t) {
        double max = Math.log(Math.max(1e-12, ranked.getFirst().probability())) / t, sum = 0, p = 0;
        for (Ranked r : ranked) {
            double v = Math.exp(Math.log(Math.max(1e-12, r.probability())) / t - max);
            sum += v;
            if (r.label().equals(label)) p = v;
        }
        return p / sum;
    }

    /** Per validation call: {calibrated top-1 confidence, 1 if top-1 was right else 0}. */
    private static List<double[]> calibrated(List<List<Ranked>> ranks, List<String> labels, double t) {
        List<double[]> out = new ArrayList<>(ranks.size());
        for (int i = 0; i < ranks.size(); i++) {
            String top = ranks.get(i).getFirst().label();
            out.add(new double[]{scaled(ranks.get(i), top, t), top.equals(labels.get(i)) ? 1 : 0});
        }
        return out;
    }

    /**
     * The confidence threshold that asks the most callers while the asked ones' precision stays ≥ {@code target}:
     * {threshold, precision, coverage}; {@link #NEVER} when no cut-off reaches it.
     */
    public static double[] threshold(List<double[]> confidenceAndHit, double target) {
        List<double[]> sorted = new ArrayList<>(confidenceAndHit);
        sorted.sort(Comparator.comparingDouble((double[] a) -> a[0]).reversed());
        double hits = 0;
        int bestK = 0;
        double bestPrecision = Double.NaN;
        for (int k = 1; k <= sorted.size(); k++) {
            hits += sorted.get(k - 1)[1];
            // Cut only between different confidences, so the threshold asks exactly these k.
            if (k < sorted.size() && sorted.get(k)[0] == sorted.get(k - 1)[0]) continue;
            if (hits / k >= target && k >= Math.min(MIN_VALIDATION / 2, sorted.size())) { bestK = k; bestPrecision = hits / k; }
        }
        if (bestK == 0) return new double[]{NEVER, Double.NaN, 0};
        return new double[]{sorted.get(bestK - 1)[0], bestPrecision, (double) bestK / sorted.size()};
    }
}
