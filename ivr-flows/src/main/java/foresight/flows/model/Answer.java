package foresight.flows.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A suggested answer from the operator's knowledge file ({@code answers.yml}): shown on the agent's screen when a
 * call about one of its {@code reasons} rings, ranked higher the more of its {@code keywords} the caller said.
 */
public record Answer(String title, List<String> reasons, List<String> keywords, String text) {
    public Answer {
        reasons = List.copyOf(reasons);
        keywords = List.copyOf(keywords);
    }

    /** An answer with the score that ranked it: 10 for the call's reason, plus 1 per keyword the caller said. */
    public record Ranked(Answer answer, int score, List<String> matched) {}

    /**
     * The best {@code limit} answers for a call about {@code reason} (may be null) in which the caller said
     * {@code said}; answers that match neither the reason nor any word are left out.
     */
    public static List<Ranked> rank(List<Answer> answers, String reason, String said, int limit) {
        String text = " " + (said == null ? "" : said.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").replaceAll("\\s+", " ")) + " ";
        Set<String> words = new HashSet<>(List.of(text.trim().split(" ")));
        List<Ranked> out = new ArrayList<>();
        for (Answer a : answers) {
            int score = reason != null && a.reasons().contains(reason) ? 10 : 0;
            List<String> matched = new ArrayList<>();
            for (String k : a.keywords()) {
                String kw = k.toLowerCase(Locale.ROOT).trim();
                boolean hit = kw.contains(" ") ? text.contains(" " + kw + " ") : words.contains(kw);
                if (hit) {
                    score++;
                    matched.add(k);
                }
            }
            if (score > 0) out.add(new Ranked(a, score, matched));
        }
        out.sort(Comparator.comparingInt(Ranked::score).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }
}
