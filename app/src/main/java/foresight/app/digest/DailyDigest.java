package foresight.app.digest;

import java.time.LocalDate;
import java.util.List;

/**
 * What callers said on one UTC day, against the 4 weeks before it (all 28 days, not only the same weekday): reasons
 * and QA categories whose volume rose significantly, phrases new this week, and the predictor's precision. Each item
 * carries up to 3 example calls with links to their QA page. Immutable; serialised as the webhook's JSON.
 */
public record DailyDigest(LocalDate date, LocalDate baselineFrom, LocalDate baselineTo, String baseline,
                          List<Rise> reasons, List<Rise> categories, List<Phrase> newPhrases, Precision precision) {
    public DailyDigest {
        reasons = List.copyOf(reasons);
        categories = List.copyOf(categories);
        newPhrases = List.copyOf(newPhrases);
    }

    /** A call to look at, with the link to its QA page. */
    public record Example(String callId, String url) {}

    /** A reason or QA category that rose: the day's calls, the baseline's mean per day, the ratio and the test's p-value. */
    public record Rise(String name, int calls, double baselinePerDay, double ratio, double pValue, List<Example> examples) {}

    /** A phrase callers said in {@code calls} calls of the 7 days up to the date and never in the 4 weeks before those. */
    public record Phrase(String text, int calls, List<Example> examples) {}

    /**
     * Of the calls where the predicted reason was put to the caller, the share who said yes: on the day and in the
     * baseline; {@code dropped} when the day's share is significantly lower (binomial test, p < 0.01). Examples are
     * calls of the day that said no.
     */
    public record Precision(int asked, int confirmed, double share, int baselineAsked, int baselineConfirmed, double baselineShare,
                            double drift, double pValue, boolean dropped, List<Example> examples) {}

    /** Whether there is anything to tell. */
    public boolean quiet() {
        return reasons.isEmpty() && categories.isEmpty() && newPhrases.isEmpty() && !precision.dropped();
    }
}
