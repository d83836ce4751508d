package foresight.recording.qa;

import foresight.recording.transcribe.TimedWord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds personal data in a recognised word sequence and replaces it: a card number (13–19 digits said in a row, or
 * two runs of digits that make 13–19 together around up to two short misheard words said in the same breath),
 * a phone number (7–12 digits), any other run of 4+ digits, and e-mail addresses ("john at example dot com" or
 * "john@example.com"). Digits may be words ("four two") or numerals. The replaced words become one token naming
 * what was removed ({@code [CARD]}, {@code [PHONE]}, {@code [DIGITS]}, {@code [EMAIL]}) spanning their time, so
 * the same spans can be silenced in the audio.
 */
public final class Redactor {
    /** A replaced stretch of words: its label and where it was in the audio. */
    public record Span(String label, long startMs, long endMs) {}

    /** The words with personal data replaced, and the spans that were replaced. */
    public record Result(List<TimedWord> words, List<Span> spans) {}

    private static final Map<String, String> DIGIT_WORDS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("oh", "0"), Map.entry("o", "0"), Map.entry("one", "1"), Map.entry("two", "2"),
            Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"),
            Map.entry("eight", "8"), Map.entry("nine", "9"));
    private static final long SAME_BREATH_MS = 250;
    private static final Pattern NUMERAL = Pattern.compile("\\d+");
    private static final Pattern GROUPED_NUMERAL = Pattern.compile("\\d+([-./,]\\d+)+");
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

    private static final int CARD_MIN = 13;
    private static final int CARD_MAX = 19;
    private static final int MAX_BRIDGE_WORDS = 2;
    private static final int MAX_BRIDGE_WORD_LENGTH = 8;
    /** Words people say between two numbers ("... or ...", "... and my code is ..."): never bridged. */
    private static final java.util.Set<String> SEPARATING_WORDS = java.util.Set.of("and", "or", "then", "but", "is", "was", "my",
            "the", "to", "at", "on", "number", "phone", "card", "code", "pin", "also", "plus", "expiry", "expires", "cvv");

    private Redactor() {}

    /** The index after the run of digit-bearing words that starts at {@code from} ({@code from} itself if none). */
    private static int runEnd(List<TimedWord> words, int from) {
        int j = from;
        while (j < words.size() && digitCount(words.get(j).word()) > 0) j++;
        return j;
    }

    private static int digitsIn(List<TimedWord> words, int from, int to) {
        int n = 0;
        for (int k = from; k < to; k++) n += digitCount(words.get(k).word());
        return n;
    }

    /** Words [from, to) are short words without digits said in the same breath as the digits around them. */
    private static boolean bridgeable(List<TimedWord> words, int from, int to) {
        for (int k = from; k < to; k++) {
            String w = words.get(k).word();
            if (w.length() > MAX_BRIDGE_WORD_LENGTH || digitCount(w) > 0 || SEPARATING_WORDS.contains(w.toLowerCase())) return false;
            if (words.get(k).startMs() - words.get(k - 1).endMs() >= SAME_BREATH_MS) return false;
        }
        return to < words.size() && words.get(to).startMs() - words.get(to - 1).endMs() < SAME_BREATH_MS;
    }

    public static Result redact(List<TimedWord> words) {
        List<TimedWord> out = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            int emailEnd = spokenEmailEnd(words, i);
            if (emailEnd > i) {
                i = replace(words, i, emailEnd, "[EMAIL]", out, spans);
                continue;
            }
            if (EMAIL.matcher(words.get(i).word()).matches()) {
                i = replace(words, i, i + 1, "[EMAIL]", out, spans);
                continue;
            }
            int j = runEnd(words, i), digits = digitsIn(words, i, j);
            if (digits >= 4 && digits < CARD_MIN) {
                // A card number read out, with a digit or two misheard as a word in the middle ("six seven eight" ->
                // "six emanate"): the runs either side of up to two short words make one card number between them.
                for (int gap = 1; gap <= MAX_BRIDGE_WORDS; gap++) {
                    int k = j + gap;
                    if (k >= words.size() || !bridgeable(words, j, k)) break;
                    int next = runEnd(words, k), more = digitsIn(words, k, next);
                    if (more > 0 && digits + more >= CARD_MIN && digits + more <= CARD_MAX) {
                        j = next;
                        digits += more;
                        break;
                    }
                }
            }
            if (digits >= 4) {
                String label = digits >= CARD_MIN ? "[CARD]" : digits >= 7 ? "[PHONE]" : "[DIGITS]";
                // Recognisers often mishear the last digit of a long number as a short word said in the same breath
                // ("six" -> "big"): a card number also takes one such word, so no digit survives in the audio.
                if (label.equals("[CARD]") && j < words.size() && words.get(j).word().length() <= 5
                        && words.get(j).startMs() - words.get(j - 1).endMs() < SAME_BREATH_MS) j++;
                i = replace(words, i, j, label, out, spans);
                continue;
            }
            out.add(words.get(i));
            i++;
        }
        return new Result(out, spans);
    }

    /**
     * The same redaction for text without timings (what the caller said at a question, before it is stored or
     * logged): words are split on spaces, numerals written with punctuation ("4111-1111,") are split into their
     * groups, and the result is the redacted words joined by single spaces.
     */
    public static String redactText(String text) {
        if (text == null || text.isBlank()) return text;
        return redactSentence(text).text();
    }

    /** A sentence after {@link #redactText}, and whether anything in it was replaced. */
    public record TextResult(String text, boolean replaced) {}

    /** {@link #redactText}, telling whether it replaced anything (a prompt's text, to know its audio must go too). */
    public static TextResult redactSentence(String text) {
        if (text == null || text.isBlank()) return new TextResult(text, false);
        List<TimedWord> words = new ArrayList<>();
        for (String raw : text.trim().split("\\s+")) {
            String token = raw.replaceAll("^[\\p{Punct}&&[^@\\[]]+|[\\p{Punct}&&[^\\]]]+$", "");
            if (token.isEmpty()) continue;
            if (token.matches("[0-9]+([-./,][0-9]+)+")) {
                for (String group : token.split("[-./,]")) words.add(new TimedWord(group, words.size() * 100L, words.size() * 100L + 100));
            } else {
                words.add(new TimedWord(token, words.size() * 100L, words.size() * 100L + 100)); // one breath: no pauses known
            }
        }
        StringBuilder out = new StringBuilder();
        Result r = redact(words);
        for (TimedWord w : r.words()) out.append(out.isEmpty() ? "" : " ").append(w.word());
        return new TextResult(out.toString(), !r.spans().isEmpty());
    }

    /**
     * How many digits a word stands for: "four" 1, "2024" 4, a numeral written in groups as recognisers such as
     * Moonshine write numbers ("512-3456-1891," or "4111 1111" split in words) all its digits, anything else 0.
     */
    static int digitCount(String word) {
        String w = word.toLowerCase().replaceAll("^\\p{Punct}+|\\p{Punct}+$", "");
        if (DIGIT_WORDS.containsKey(w)) return 1;
        if (NUMERAL.matcher(w).matches()) return w.length();
        if (GROUPED_NUMERAL.matcher(w).matches()) return w.replaceAll("[^0-9]", "").length();
        // Any other token with digits in it ("512-3456-mn891-23456", "4111x1111"): a recogniser's misspelt number still
        // holds the caller's digits, so they count (a word like "4th" holds one and stays unless next to others).
        return (int) w.chars().filter(Character::isDigit).count();
    }

    /** "name at domain dot com": returns the index after "com"/"org"/… if words i.. form a spoken address. */
    private static int spokenEmailEnd(List<TimedWord> words, int i) {
        if (i + 4 > words.size()) return i; // at least: name at domain dot tld
        if (!words.get(i + 1).word().equals("at")) return i;
        int k = i + 2;
        boolean sawDot = false;
        while (k + 1 < words.size() && words.get(k + 1).word().equals("dot")) {
            k += 2;
            sawDot = true;
        }
        if (!sawDot || k >= words.size()) return i;
        String tld = words.get(k).word();
        if (!tld.matches("com|org|net|edu|gov|io|co|uk|de|fr|info")) return i;
        return k + 1;
    }

    private static int replace(List<TimedWord> words, int from, int to, String label, List<TimedWord> out, List<Span> spans) {
        long start = words.get(from).startMs(), end = words.get(to - 1).endMs();
        out.add(new TimedWord(label, start, end));
        spans.add(new Span(label, start, end));
        return to;
    }
}
