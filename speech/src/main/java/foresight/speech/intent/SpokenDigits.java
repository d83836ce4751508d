package foresight.speech.intent;

import java.util.List;
import java.util.Map;

/** Menu choices said instead of pressed ("two" for 2): the Vosk grammar to listen with, and reading the answer. */
public final class SpokenDigits {
    private static final Map<String, Character> WORDS = Map.ofEntries(
            Map.entry("zero", '0'), Map.entry("oh", '0'), Map.entry("one", '1'), Map.entry("two", '2'), Map.entry("three", '3'),
            Map.entry("four", '4'), Map.entry("five", '5'), Map.entry("six", '6'), Map.entry("seven", '7'), Map.entry("eight", '8'),
            Map.entry("nine", '9'), Map.entry("star", '*'), Map.entry("pound", '#'), Map.entry("hash", '#'));

    private SpokenDigits() {}

    /** Digit words plus "option"/"number"/"press" fillers and "[unk]", as a Vosk grammar. */
    public static List<String> grammar() {
        var words = new java.util.TreeSet<>(WORDS.keySet());
        words.addAll(List.of("option", "number", "press", "[unk]"));
        return List.copyOf(words);
    }

    /** The first digit word in {@code text} as a key, or 0 if there is none. */
    public static char first(String text) {
        for (String w : Tokens.words(text)) {
            Character c = WORDS.get(w);
            if (c != null) return c;
        }
        return 0;
    }
}
