package foresight.speech.intent;

import foresight.speech.reason.Reason;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps what the caller said to a reason by word overlap with the reason's keywords (worth 2) and the words of
 * its example phrases (worth 1). Deliberately simple: the learned classifier is issue #4. Immutable.
 */
public final class IntentMatcher {
    /** The best reason and its score (number of weighted word hits). */
    public record Match(String reasonId, double score) {}

    private final Map<String, Set<String>> keywords = new HashMap<>();
    private final Map<String, Set<String>> exampleWords = new HashMap<>();
    private final List<Reason> reasons;

    public IntentMatcher(List<Reason> reasons) {
        this.reasons = List.copyOf(reasons);
        for (Reason r : reasons) {
            Set<String> k = new HashSet<>();
            for (String kw : r.keywords()) k.addAll(Tokens.content(kw));
            keywords.put(r.id(), k);
            Set<String> e = new HashSet<>();
            for (String ex : r.examples()) e.addAll(Tokens.content(ex));
            exampleWords.put(r.id(), e);
        }
    }

    /** The best-scoring reason, if any keyword or at least two example words matched. */
    public Optional<Match> match(String utterance) {
        List<String> words = Tokens.content(utterance);
        Match best = null;
        for (Reason r : reasons) {
            double score = 0;
            boolean keywordHit = false;
            for (String w : words) {
                if (keywords.get(r.id()).contains(w)) { score += 2; keywordHit = true; }
                else if (exampleWords.get(r.id()).contains(w)) score += 1;
            }
            if ((keywordHit || score >= 2) && (best == null || score > best.score())) best = new Match(r.id(), score);
        }
        return Optional.ofNullable(best);
    }
}
