package foresight.speech.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a customer's history as it stood at the start of a call into named features for the learned
 * predictor. Nothing here knows any event type or reason: every name is built from the data.
 * <ul>
 *   <li>per event type: how recent its latest occurrence is at six time scales ({@code exp(-age/τ)}, τ = 1 h … 30 d),
 *   the log of that age in hours, and counts (last 30 days, all) — influence decays at its own pace per type, the
 *   model picks the scale;</li>
 *   <li>per ordered pair of event types (X, Y) both in the history: whether the latest X is newer or older than the
 *   latest Y, and X's recency at five scales on that side — "refund opened, not yet paid" versus "paid since";
 *   only the {@value #PAIR_TYPES} most recently seen types pair up, so a long history cannot blow up the count;</li>
 *   <li>per earlier call reason: summed {@code exp(-age/τ)} over those calls (repeat callers), the latest one's age,
 *   counts;</li>
 *   <li>short attribute values of the three newest events (a status, a kind), the tier, and a constant (base rates).</li>
 * </ul>
 * Callers pass only events and calls strictly before {@code now}. Stateless and thread-safe.
 */
public final class HistoryFeatures {
    private static final double[] SCALES_HOURS = {1, 6, 24, 72, 168, 720};
    private static final String[] SCALE_NAMES = {"1h", "6h", "24h", "3d", "7d", "30d"};
    private static final int PAIR_SCALES = 5;
    static final int PAIR_TYPES = 12;
    private static final int RECENT_EVENTS = 3;
    private static final int MAX_VALUE_LENGTH = 24;
    private static final double MONTH_HOURS = 720;

    private HistoryFeatures() {}

    private record Latest(double ageHours, int count, int count30d) {}

    /** {@code events} and {@code calls} oldest first, all before {@code now}. */
    public static Map<String, Double> of(List<HistoryEvent> events, List<PastCall> calls, String tier, Instant now) {
        Map<String, Double> f = new HashMap<>(256);
        f.put("bias", 1.0);
        f.put("tier=" + (tier == null || tier.isBlank() ? "none" : tier), 1.0);
        if (events.isEmpty()) f.put("history=none", 1.0);
        Map<String, Latest> latest = latestByType(events, now);
        for (var e : latest.entrySet()) {
            String p = "e:" + e.getKey() + ":";
            Latest l = e.getValue();
            for (int s = 0; s < SCALES_HOURS.length; s++) f.put(p + SCALE_NAMES[s], Math.exp(-l.ageHours() / SCALES_HOURS[s]));
            f.put(p + "logage", Math.log1p(l.ageHours()));
            f.put(p + "n", Math.log1p(l.count()));
            if (l.count30d() > 0) f.put(p + "n30d", Math.log1p(l.count30d()));
        }
        pairs(latest, f);
        recentAttributes(events, f);
        pastCalls(calls, now, f);
        return f;
    }

    /** Latest occurrence per type, iterated newest type first. */
    private static Map<String, Latest> latestByType(List<HistoryEvent> events, Instant now) {
        Map<String, Latest> latest = new LinkedHashMap<>();
        Map<String, int[]> counts = new HashMap<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            HistoryEvent e = events.get(i);
            double hours = hours(e.at(), now);
            int[] c = counts.computeIfAbsent(e.type(), k -> new int[2]);
            c[0]++;
            if (hours <= MONTH_HOURS) c[1]++;
            latest.putIfAbsent(e.type(), new Latest(hours, 0, 0));
        }
        latest.replaceAll((type, l) -> new Latest(l.ageHours(), counts.get(type)[0], counts.get(type)[1]));
        return latest;
    }

    private static void pairs(Map<String, Latest> latest, Map<String, Double> f) {
        List<Map.Entry<String, Latest>> types = new ArrayList<>(latest.entrySet());
        int n = Math.min(PAIR_TYPES, types.size());
        for (int i = 0; i < n; i++) {
            var x = types.get(i);
            double ageX = x.getValue().ageHours();
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                var y = types.get(j);
                // Types are ordered newest first, so i < j means the latest X is more recent than the latest Y.
                String p = "p:" + x.getKey() + (i < j ? ">" : "<") + y.getKey();
                f.put(p, 1.0);
                if (ageX > MONTH_HOURS) continue;
                for (int s = 0; s < PAIR_SCALES; s++) f.put(p + ":" + SCALE_NAMES[s], Math.exp(-ageX / SCALES_HOURS[s]));
            }
        }
    }

    private static void recentAttributes(List<HistoryEvent> events, Map<String, Double> f) {
        for (int i = events.size() - 1, rank = 0; i >= 0 && rank < RECENT_EVENTS; i--, rank++) {
            HistoryEvent e = events.get(i);
            f.put("recent" + rank + ":" + e.type(), 1.0);
            for (var a : e.attributes().entrySet()) {
                if (a.getValue() instanceof String v && v.length() <= MAX_VALUE_LENGTH && !v.chars().allMatch(Character::isDigit)) {
                    f.put("a:" + e.type() + ":" + a.getKey() + "=" + v.toLowerCase(), 1.0);
                } else if (a.getValue() instanceof Boolean b) {
                    f.put("a:" + e.type() + ":" + a.getKey() + "=" + b, 1.0);
                }
            }
        }
    }

    private static void pastCalls(List<PastCall> calls, Instant now, Map<String, Double> f) {
        Map<String, Double> newest = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = calls.size() - 1; i >= 0; i--) {
            PastCall c = calls.get(i);
            if (c.reason() == null || c.reason().isBlank()) continue;
            double hours = hours(c.at(), now);
            String p = "c:" + c.reason() + ":";
            for (int s = 0; s < SCALES_HOURS.length; s++) f.merge(p + SCALE_NAMES[s], Math.exp(-hours / SCALES_HOURS[s]), Double::sum);
            newest.putIfAbsent(c.reason(), hours);
            counts.merge(c.reason(), 1, Integer::sum);
            if (i == calls.size() - 1) f.put("lastcall:" + c.reason(), 1.0);
        }
        for (var e : newest.entrySet()) {
            f.put("c:" + e.getKey() + ":logage", Math.log1p(e.getValue()));
            f.put("c:" + e.getKey() + ":n", Math.log1p(counts.get(e.getKey())));
        }
    }

    private static double hours(Instant at, Instant now) { return Math.max(0, Duration.between(at, now).toSeconds() / 3600.0); }
}
