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
     * @param words        recognised words by channel ("caller", "agent"), times in ms into the recording
     * @param agentJoinedMs when the agent's part began (ms into the recording), or null if no agent answered
     */
    public static Result analyze(QaRules rules, Map<String, List<TimedWord>> words, Long agentJoinedMs) {
        List<QaHit> hits = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int score = 100;
        for (QaRules.Category c : rules.categories()) {
            boolean hit = false;
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
