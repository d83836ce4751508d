package foresight.speech.intent;

import java.util.Set;

/** Reads a spoken answer to a yes/no question. Negation wins over agreement ("yes, no, not that"). */
public final class YesNo {
    /** The caller's answer. */
    public enum Answer { YES, NO, UNCLEAR }

    private static final Set<String> YES = Set.of("yes", "yeah", "yep", "yup", "correct", "right", "sure", "absolutely", "indeed", "exactly", "affirmative", "okay", "ok");
    private static final Set<String> NO = Set.of("no", "nope", "nah", "not", "wrong", "incorrect", "negative", "don't", "isn't");

    private YesNo() {}

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
