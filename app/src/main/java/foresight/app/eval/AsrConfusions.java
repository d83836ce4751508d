package foresight.app.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The recogniser's word confusions, learned from pairs of (sentence said, sentence heard) aligned word by word
 * (Levenshtein): for each said word, how often it was heard as itself, as another word, or not at all. Applied to a
 * written sentence, it draws for every word it has seen at least {@value #MIN_SEEN} times what the recogniser would
 * have made of it — so the classifier can learn recognition errors on sentences nobody synthesised. Words heard that
 * were never said (insertions) are left out. Immutable once learned.
 */
final class AsrConfusions {
    static final int MIN_SEEN = 3;
    private final Map<String, Map<String, Integer>> heardAs; // "" = dropped

    private AsrConfusions(Map<String, Map<String, Integer>> heardAs) { this.heardAs = heardAs; }

    static AsrConfusions learn(List<String> said, List<String> heard) {
        Map<String, Map<String, Integer>> m = new HashMap<>();
        for (int s = 0; s < said.size(); s++) {
            List<String> a = IntentEval.words(said.get(s)), b = IntentEval.words(heard.get(s));
            int[][] d = new int[a.size() + 1][b.size() + 1];
            for (int i = 0; i <= a.size(); i++) d[i][0] = i;
            for (int j = 0; j <= b.size(); j++) d[0][j] = j;
            for (int i = 1; i <= a.size(); i++) {
                for (int j = 1; j <= b.size(); j++) {
                    d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1));
                }
            }
            for (int i = a.size(), j = b.size(); i > 0 || j > 0; ) {
                if (i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1)) {
                    m.computeIfAbsent(a.get(i - 1), k -> new HashMap<>()).merge(b.get(j - 1), 1, Integer::sum);
                    i--;
                    j--;
                } else if (i > 0 && d[i][j] == d[i - 1][j] + 1) {
                    m.computeIfAbsent(a.get(i - 1), k -> new HashMap<>()).merge("", 1, Integer::sum);
                    i--;
                } else {
                    j--; // a word heard that was not said
                }
            }
        }
        return new AsrConfusions(m);
    }

    /** {@code text} as the recogniser might have heard it: lower case, punctuation gone, known words drawn from their confusions. */
    String noise(String text, Random random) {
        List<String> out = new ArrayList<>();
        for (String w : IntentEval.words(text)) {
            Map<String, Integer> c = heardAs.get(w);
            int total = c == null ? 0 : c.values().stream().mapToInt(Integer::intValue).sum();
            if (total >= MIN_SEEN) {
                int u = random.nextInt(total);
                for (var e : c.entrySet()) {
                    if ((u -= e.getValue()) < 0) { w = e.getKey(); break; }
                }
            }
            if (!w.isEmpty()) out.add(w);
        }
        return String.join(" ", out);
    }

    /** How often {@code said} was heard as {@code heard} ("" = dropped). */
    int count(String said, String heard) { return heardAs.getOrDefault(said, Map.of()).getOrDefault(heard, 0); }
}
