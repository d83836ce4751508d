package foresight.speech.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Lower-case word tokens with light plural stripping, shared by the matchers. */
public final class Tokens {
    static final Set<String> STOP = Set.of("a", "an", "the", "i", "i'm", "im", "my", "me", "to", "is", "it", "of", "for", "and",
            "about", "calling", "call", "want", "would", "like", "please", "you", "your", "can", "could", "on", "in", "with",
            "do", "be", "am", "have", "has", "that", "this", "just", "so", "um", "uh", "hi", "hello");

    private Tokens() {}

    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** Content words, singularised ("refunds" → "refund"). */
    public static List<String> content(String text) {
        List<String> out = new ArrayList<>();
        for (String w : words(text)) {
            if (STOP.contains(w)) continue;
            out.add(w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.substring(0, w.length() - 1) : w);
        }
        return out;
    }
}
