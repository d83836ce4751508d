package foresight.recording.qa;

import foresight.recording.transcribe.TimedWord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link QaRules} to one call's recognised words per channel: finds each category's phrases (words in a
 * row, on its channel, inside its time window) and scores the call: 100, plus each hit category's points once,
 * minus the points of every required category that was never said. Pure; no I/O.
 */
public final class QaAnalyzer {
    /** The hits in time order and the score. */
    public record Result(List<QaHit> hits, int score, List<String> missingRequired) {}

    private QaAnalyzer() {}

    /**
     * @param words        words by channel ("caller", "agent" recognised; "ivr" the prompts' words), times in ms into the
     *                     recording; rules on {@code any} see the IVR's words too, overtalk compares caller and agent only
     * @param agentJoinedMs when the agent's part began (ms into the recording), or null if no agent answered
     */
    public static Result analyze(QaRules rules, Map<String, List<TimedWord>> words, Long agentJoinedMs) {
        List<QaHit> hits = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int score = 100;
        for (QaRules.Category c : rules.categories()) {
            boolean hit = false;
            if (c.silenceSeconds() != null || c.overtalkSeconds() != null) {
                List<QaHit> found = c.silenceSeconds() != null ? silences(c, words, agentJoinedMs) : overtalk(c, words, agentJoinedMs);
                hits.addAll(found);
                if (!found.isEmpty()) score += c.points();
                continue;
            }
            for (var e : words.entrySet()) {
                if (!c.channel().equals("any") && !c.channel().equals(e.getKey())) continue;
                for (QaHit h : find(c, e.getKey(), e.getValue(), agentJoinedMs)) {
                    hits.add(h);
                    hit = true;
                }
            }
            if (c.required()) {
                boolean applies = c.withinSeconds() == null || agentJoinedMs != null; // no agent, no agent greeting to miss
                if (!hit && applies) {
                    missing.add(c.name());
                    score -= Math.abs(c.points());
                }
            } else if (hit) {
                score += c.points();
            }
        }
        hits.sort(java.util.Comparator.comparingLong(QaHit::startMs));
        return new Result(hits, Math.max(0, Math.min(100, score)), missing);
    }

    /** Words closer than this are one stretch of speech. */
    private static final long SPEECH_GAP_MS = 700;

    /** A channel's speech as [start, end] intervals, merging words less than {@link #SPEECH_GAP_MS} apart. */
    static List<long[]> speech(List<TimedWord> words) {
        List<long[]> out = new ArrayList<>();
        for (TimedWord w : words) {
            if (!out.isEmpty() && w.startMs() - out.getLast()[1] < SPEECH_GAP_MS) out.getLast()[1] = Math.max(out.getLast()[1], w.endMs());
            else out.add(new long[]{w.startMs(), w.endMs()});
        }
        return out;
    }

    /** Dead air: gaps of at least silence_seconds where neither side speaks, between the agent answering and the last word. */
    private static List<QaHit> silences(QaRules.Category c, Map<String, List<TimedWord>> words, Long agentJoinedMs) {
        List<QaHit> out = new ArrayList<>();
        if (agentJoinedMs == null) return out;
        List<long[]> all = new ArrayList<>();
        for (var w : words.values()) all.addAll(speech(w));
        all.sort(java.util.Comparator.comparingLong(a -> a[0]));
        long minGap = Math.round(c.silenceSeconds() * 1000), cursor = agentJoinedMs;
        for (long[] s : all) {
            if (s[1] <= cursor) continue;
            if (s[0] - cursor >= minGap) out.add(new QaHit(c.name(), "any", String.format("silence %.1f s", (s[0] - cursor) / 1000.0), cursor, s[0]));
            cursor = Math.max(cursor, s[1]);
        }
        return out;
    }

    /** Overtalk: stretches of at least overtalk_seconds where the caller's and the agent's speech overlap. */
    private static List<QaHit> overtalk(QaRules.Category c, Map<String, List<TimedWord>> words, Long agentJoinedMs) {
        List<QaHit> out = new ArrayList<>();
        if (agentJoinedMs == null) return out;
        long min = Math.round(c.overtalkSeconds() * 1000);
        for (long[] a : speech(words.getOrDefault("caller", List.of()))) {
            for (long[] b : speech(words.getOrDefault("agent", List.of()))) {
                long from = Math.max(Math.max(a[0], b[0]), agentJoinedMs), to = Math.min(a[1], b[1]);
                if (to - from >= min) out.add(new QaHit(c.name(), "any", String.format("overtalk %.1f s", (to - from) / 1000.0), from, to));
            }
        }
        return out;
    }

    private static List<QaHit> find(QaRules.Category c, String channel, List<TimedWord> words, Long agentJoinedMs) {
        List<QaHit> out = new ArrayList<>();
        for (List<String> phrase : c.phrases()) {
            for (int i = 0; i + phrase.size() <= words.size(); i++) {
                boolean match = true;
                for (int k = 0; k < phrase.size() && match; k++) match = words.get(i + k).word().equalsIgnoreCase(phrase.get(k));
                if (!match) continue;
                long start = words.get(i).startMs(), end = words.get(i + phrase.size() - 1).endMs();
                if (c.withinSeconds() != null) {
                    if (agentJoinedMs == null || start < agentJoinedMs - 1000 || start > agentJoinedMs + c.withinSeconds() * 1000L) continue;
                }
                out.add(new QaHit(c.name(), channel, String.join(" ", phrase), start, end));
            }
        }
        return out;
    }
}
