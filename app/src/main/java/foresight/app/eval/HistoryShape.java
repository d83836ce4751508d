package foresight.app.eval;

import java.util.List;
import java.util.Map;

/**
 * A known stochastic process of customer histories and calls, used by {@link SimulatedHistory}. Events are
 * independent Poisson streams per type (a lifecycle's closing event follows its opening one with some
 * probability). Calls are a point process whose intensity per reason is
 * <pre>λ_r(t) = base_r + Σ_{open types k of r} A_k·e^(-(t − latest k)/τ_k)  [only while open] + Σ_{earlier calls c about r} B_r·e^(-(t − c)/σ_r)</pre>
 * — everything in it is visible in the CSVs, so P(reason = r | history, a call at t) = λ_r(t) / Σ λ(t) exactly.
 */
record HistoryShape(String name, String description, Map<String, Double> basePerYear, List<Opener> openers,
                    List<Noise> noise, Map<String, Excitation> excitation) {

    /**
     * An event type that opens an issue about {@code reason}; {@code closedBy} (may be null: never closes) is written
     * with probability {@code closeProbability} after a mean of {@code closeMeanHours}; while open its pull on calls
     * is {@code strength / tauHours} per hour, decaying with {@code tauHours} (so ≈ {@code strength} calls if never closed).
     */
    record Opener(String type, double perYear, String reason, double strength, double tauHours, String closedBy, double closeProbability, double closeMeanHours) {}

    /** An event type that changes nothing. */
    record Noise(String type, double perYear) {}

    /** Each call about a reason adds {@code strength / tauHours} per hour to the chance of another, decaying with {@code tauHours}. */
    record Excitation(double strength, double tauHours) {}

    static final HistoryShape LIFECYCLE = new HistoryShape("lifecycle",
            "issues open and close; each type decays at its own pace (1 h for a failed one-time code … 5 days for a dispatched card)",
            Map.of("general", 0.8, "billing", 0.4, "refund", 0.1, "wire_transfer", 0.1, "account_access", 0.1, "card_delivery", 0.05, "card_declined", 0.1, "otp", 0.05),
            List.of(new Opener("refund_opened", 2, "refund", 1.2, 72, "refund_paid", 0.8, 48),
                    new Opener("wire_queued", 3, "wire_transfer", 0.8, 24, "wire_settled", 0.85, 10),
                    new Opener("account_locked", 1, "account_access", 1.2, 6, "login_succeeded", 0.6, 2),
                    new Opener("card_dispatched", 0.8, "card_delivery", 1.0, 120, "card_activated", 0.75, 96),
                    new Opener("card_declined", 3, "card_declined", 0.6, 3, null, 0, 0),
                    new Opener("otp_failed", 3, "otp", 0.5, 1, null, 0, 0)),
            List.of(new Noise("login_succeeded", 20), new Noise("app_opened", 30)),
            Map.of());

    static final HistoryShape BURSTY = new HistoryShape("bursty",
            "repeat callers: every call about a reason raises the chance of another about it for hours to a week",
            Map.of("general", 1.0, "billing", 0.6, "tech_support", 0.5, "loan", 0.3, "fraud", 0.2, "card", 0.3),
            List.of(new Opener("app_crashed", 2, "tech_support", 0.4, 4, null, 0, 0),
                    new Opener("statement_issued", 12, "billing", 0.05, 72, null, 0, 0)),
            List.of(new Noise("app_opened", 40)),
            Map.of("general", new Excitation(0.3, 24), "billing", new Excitation(0.5, 48), "tech_support", new Excitation(0.6, 6),
                    "loan", new Excitation(0.5, 168), "fraud", new Excitation(0.6, 12), "card", new Excitation(0.5, 72)));

    static final HistoryShape NOISE = new HistoryShape("noise",
            "mostly noise: app opens, newsletters, page views carry nothing; base rates dominate, one weak signal",
            Map.of("general", 1.2, "billing", 0.8, "card", 0.5, "loan", 0.3, "fraud", 0.2),
            List.of(new Opener("payment_reversed", 1, "billing", 0.3, 48, null, 0, 0)),
            List.of(new Noise("app_opened", 60), new Noise("newsletter_sent", 12), new Noise("page_viewed", 30), new Noise("statement_issued", 12)),
            Map.of());

    static final List<HistoryShape> ALL = List.of(LIFECYCLE, BURSTY, NOISE);
}
