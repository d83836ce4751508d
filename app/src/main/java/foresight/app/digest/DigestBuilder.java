package foresight.app.digest;

import foresight.db.digest.DigestRepository;
import foresight.db.digest.DigestRepository.DayCount;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Builds the {@link DailyDigest} of a day from the database. A rise needs p < {@link #ALPHA} in the exact Poisson
 * rate test and at least {@link #MIN_CALLS} calls on the day, so a tiny count with the same ratio is not news.
 * Thread-safe (stateless apart from the repository); a build is a handful of queries.
 */
public final class DigestBuilder {
    static final double ALPHA = 0.01;
    static final int MIN_CALLS = 5;
    static final int MIN_PHRASE_CALLS = 3;
    static final int BASELINE_DAYS = 28;
    static final int EXAMPLES = 3;

    private final DigestRepository repo;
    private final String baseUrl;

    public DigestBuilder(DigestRepository repo, String baseUrl) {
        this.repo = repo;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The digest of UTC day {@code date}. */
    public DailyDigest build(LocalDate date) {
        LocalDate from = date.minusDays(BASELINE_DAYS);
        List<DailyDigest.Rise> reasons = rises(repo.reasonCounts(from, date.plusDays(1)), date,
                (name, n) -> repo.callsWithReason(date, name, n));
        List<DailyDigest.Rise> categories = rises(repo.categoryCounts(from, date.plusDays(1)), date,
                (name, n) -> repo.callsWithCategory(date, name, n));
        return new DailyDigest(date, from, date.minusDays(1), "the " + BASELINE_DAYS + " days before (all weekdays)",
                reasons, categories, phrases(date), precision(date, from));
    }

    private List<DailyDigest.Rise> rises(List<DayCount> counts, LocalDate date, BiFunction<String, Integer, List<String>> examples) {
        Map<String, int[]> byKey = new TreeMap<>(); // key -> {day's calls, baseline calls}
        for (DayCount c : counts) byKey.computeIfAbsent(c.key(), k -> new int[2])[c.day().equals(date) ? 0 : 1] += c.calls();
        List<DailyDigest.Rise> out = new ArrayList<>();
        byKey.forEach((key, n) -> {
            if (n[0] < MIN_CALLS) return;
            double p = RateTest.risePValue(n[0], n[1], BASELINE_DAYS);
            if (p >= ALPHA) return;
            double perDay = n[1] / (double) BASELINE_DAYS;
            out.add(new DailyDigest.Rise(key, n[0], perDay, perDay == 0 ? Double.POSITIVE_INFINITY : n[0] / perDay, p,
                    links(examples.apply(key, EXAMPLES))));
        });
        out.sort(Comparator.comparingDouble(DailyDigest.Rise::pValue));
        return out;
    }

    private List<DailyDigest.Phrase> phrases(LocalDate date) {
        LocalDate weekFrom = date.minusDays(6);
        List<NewPhrases.CallText> recent = new ArrayList<>();
        List<NewPhrases.CallText> before = new ArrayList<>();
        for (var t : repo.callerText(weekFrom.minusDays(BASELINE_DAYS), date.plusDays(1))) {
            (t.day().isBefore(weekFrom) ? before : recent).add(new NewPhrases.CallText(t.callId(), t.text()));
        }
        return new NewPhrases(MIN_PHRASE_CALLS).find(recent, before).stream()
                .map(p -> new DailyDigest.Phrase(p.text(), p.calls(), links(p.callIds().subList(0, Math.min(EXAMPLES, p.callIds().size())))))
                .toList();
    }

    private DailyDigest.Precision precision(LocalDate date, LocalDate from) {
        int asked = 0, yes = 0, baseAsked = 0, baseYes = 0;
        for (var d : repo.predictionOutcomes(from, date.plusDays(1))) {
            if (d.day().equals(date)) { asked += d.asked(); yes += d.confirmed(); }
            else { baseAsked += d.asked(); baseYes += d.confirmed(); }
        }
        double share = asked == 0 ? Double.NaN : yes / (double) asked;
        double baseShare = baseAsked == 0 ? Double.NaN : baseYes / (double) baseAsked;
        double p = asked == 0 || baseAsked == 0 ? 1.0 : RateTest.lowerTail(yes, asked, baseShare);
        boolean dropped = asked >= MIN_CALLS && p < ALPHA;
        return new DailyDigest.Precision(asked, yes, share, baseAsked, baseYes, baseShare, share - baseShare, p, dropped,
                dropped ? links(repo.callsNotConfirmed(date, EXAMPLES)) : List.of());
    }

    private List<DailyDigest.Example> links(List<String> ids) {
        return ids.stream().map(id -> new DailyDigest.Example(id, baseUrl + "/qa/calls/" + id)).toList();
    }
}
