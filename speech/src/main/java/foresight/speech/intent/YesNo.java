package foresight.speech.intent;

import java.util.Set;

/** Reads a spoken answer to a yes/no question. Negation wins over agreement ("yes, no, not that"). */
public final class YesNo {
    /** The caller's answer. */
    public enum Answer { YES, NO, UNCLEAR }

    private static final Set<String> YES = Set.of("yes", "yeah", "yep", "yup", "correct", "right", "sure", "absolutely", "indeed", "exactly", "affirmative", "okay", "ok");
    private static final Set<String> NO = Set.of("no", "nope", "nah", "not", "wrong", "incorrect", "negative", "don't", "isn't");

    private YesNo() {}

    /**
     * The words a yes/no question listens for, as a Vosk grammar: the recogniser then only chooses between these
     * (and "[unk]" for anything else), which is far more robust on phone audio than open dictation.
     */
    public static java.util.List<String> grammar() {
        var words = new java.util.TreeSet<String>();
        words.addAll(YES);
        words.addAll(NO);
        words.remove("don't");
        words.remove("isn't");
        words.addAll(java.util.List.of("yes please", "no thanks", "that's right", "that is right", "not really", "[unk]"));
        return java.util.List.copyOf(words);
    }

    public static Answer classify(String text) {
        boolean yes = false, no = false;
        for (String w : Tokens.words(text)) {
            if (NO.contains(w)) no = true;
            if (YES.contains(w)) yes = true;
        }
        if (no) return Answer.NO;
        return yes ? Answer.YES : Answer.UNCLEAR;
    }
}
