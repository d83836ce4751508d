package foresight.flows.run;

import foresight.flows.model.FlowSet;
import foresight.speech.intent.IntentMatcher;
import foresight.speech.intent.SpokenDigits;
import foresight.speech.intent.YesNo;

import java.util.Optional;

/**
 * What a listening node makes of the caller's answer: a yes/no, a menu key, or a call reason. One place for live
 * calls ({@link FlowRunner}) and simulated ones ({@link FlowSimulation}), so a flow test hears what a caller would.
 * Stateless; thread-safe.
 */
public final class Understanding {
    private Understanding() {}

    /** A confirm node's answer: key 1 is yes, 2 is no, else the words decide. */
    public static YesNo.Answer yesNo(String text, char digit) {
        return digit == '1' ? YesNo.Answer.YES : digit == '2' ? YesNo.Answer.NO : YesNo.classify(text);
    }

    /** A menu's key: the key pressed, else the first digit said ("two"), else 0. */
    public static char menuKey(String text, char digit) {
        return digit != 0 ? digit : SpokenDigits.first(text);
    }

    /** An ask node's reading of the answer; {@code method} is classifier, keywords or "-" (no match). */
    public record ReasonHeard(Optional<IntentMatcher.Match> match, String method) {}

    /**
     * The version's learned classifier if it is ready and at least {@code minConfidence} sure, else keyword
     * matching over the reasons' keywords and examples.
     */
    public static ReasonHeard reason(FlowSet set, String text, double minConfidence) {
        var match = set.intents().ready().flatMap(c -> c.match(text, minConfidence));
        String method = match.isPresent() ? "classifier" : "keywords";
        if (match.isEmpty()) match = new IntentMatcher(set.reasons()).match(text);
        if (match.isEmpty()) method = "-";
        return new ReasonHeard(match, method);
    }
}
