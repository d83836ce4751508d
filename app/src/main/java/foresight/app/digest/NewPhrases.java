package foresight.app.digest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hot-issue mining: word n-grams (2 and 3 words, none of them a stop word) said by callers in at least
 * {@code minCalls} recent calls and never in the earlier period. Counts are calls, not mentions, so one talkative
 * caller does not make a phrase. A shorter phrase inside a longer new one said in as many calls is dropped (the
 * longer one says more). Stateless apart from its settings.
 */
public final class NewPhrases {
    /** One new phrase: the words, how many recent calls said it, and some of those calls (first seen first). */
    public record Phrase(String text, int calls, List<String> callIds) {}

    /** What one call's caller said. */
    public record CallText(String callId, String text) {}

    static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does",
            "for", "from", "get", "got", "had", "has", "have", "hello", "hi", "how", "i", "i'm", "if", "in", "is", "it", "it's", "just",
            "me", "my", "no", "not", "of", "oh", "ok", "okay", "on", "or", "please", "so", "that", "the", "their", "them", "then",
            "there", "they", "this", "to", "uh", "um", "up", "was", "we", "well", "what", "when", "which", "why", "will", "with",
            "would", "yeah", "yes", "you", "your", "thanks", "thank", "want", "like", "know", "need", "calling", "call");

    private final int minCalls;

    public NewPhrases(int minCalls) {
        if (minCalls < 1) throw new IllegalArgumentException("minCalls must be at least 1, was " + minCalls);
        this.minCalls = minCalls;
    }

    /** New phrases in {@code recent} that never occur in {@code before}, most calls first. */
    public List<Phrase> find(List<CallText> recent, List<CallText> before) {
        Set<String> seen = new HashSet<>();
        for (CallText c : before) seen.addAll(grams(c.text()));
        Map<String, LinkedHashSet<String>> callsBy = new HashMap<>();
        for (CallText c : recent) {
            for (String g : grams(c.text())) if (!seen.contains(g)) callsBy.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(c.callId());
        }
        List<Phrase> found = new ArrayList<>();
        callsBy.forEach((g, ids) -> {
            if (ids.size() >= minCalls) found.add(new Phrase(g, ids.size(), List.copyOf(ids)));
        });
        List<Phrase> longestFirst = chained(found);
        longestFirst.sort(Comparator.comparingInt((Phrase p) -> -p.text().split(" ").length).thenComparing(Phrase::text));
        List<Phrase> kept = new ArrayList<>();
        for (Phrase p : longestFirst) {
            boolean inside = kept.stream().anyMatch(k -> (" " + k.text() + " ").contains(" " + p.text() + " ") && k.calls() >= p.calls());
            if (!inside) kept.add(p);
        }
        kept.sort(Comparator.comparingInt((Phrase p) -> -p.calls()).thenComparing(Phrase::text));
        return kept;
    }

    /**
     * Joins phrases of 3+ words said in exactly the same calls that overlap by two words ("app shows error" +
     * "shows error code" → "app shows error code"), so a longer new sentence comes out as one phrase, not a chain of trigrams.
     */
    private static List<Phrase> chained(List<Phrase> phrases) {
        List<Phrase> out = new ArrayList<>(phrases);
        boolean joined = true;
        while (joined) {
            joined = false;
            search:
            for (Phrase a : out) {
                String[] wa = a.text().split(" ");
                if (wa.length < 3) continue;
                String tail = wa[wa.length - 2] + " " + wa[wa.length - 1];
                for (Phrase b : out) {
                    String[] wb = b.text().split(" ");
                    if (a == b || wb.length < 3 || !b.text().startsWith(tail + " ") || !Set.copyOf(a.callIds()).equals(Set.copyOf(b.callIds()))) continue;
                    out.remove(a);
                    out.remove(b);
                    out.add(new Phrase(a.text() + b.text().substring(tail.length()), a.calls(), a.callIds()));
                    joined = true;
                    break search;
                }
            }
        }
        return out;
    }

    /** The distinct 2- and 3-word n-grams of one text without stop words, lower case, punctuation dropped. */
    static Set<String> grams(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]+", " ").trim().split("\\s+");
        Set<String> out = new HashSet<>();
        for (int n = 2; n <= 3; n++) {
            outer:
            for (int i = 0; i + n <= words.length; i++) {
                for (int j = i; j < i + n; j++) if (words[j].isEmpty() || STOP_WORDS.contains(words[j])) continue outer;
                out.add(String.join(" ", java.util.Arrays.asList(words).subList(i, i + n)));
            }
        }
        return out;
    }
}
