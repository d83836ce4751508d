package foresight.recording.qa;

import foresight.recording.transcribe.TimedWord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds personal data in a recognised word sequence and replaces it: a card number (13–19 digits said in a row),
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

    private Redactor() {}

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
            int j = i, digits = 0;
            while (j < words.size()) {
                int d = digitCount(words.get(j).word());
                if (d == 0) break;
                digits += d;
                j++;
            }
            if (digits >= 4) {
                String label = digits >= 13 ? "[CARD]" : digits >= 7 ? "[PHONE]" : "[DIGITS]";
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
        return GROUPED_NUMERAL.matcher(w).matches() ? w.replaceAll("[^0-9]", "").length() : 0;
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
