package foresight.app.http.view;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Small text formats the page templates share (times, masked numbers, highlighted snippets); escaping is the templates' job. */
public final class Format {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private Format() {}

    /** A stretch of a search snippet; {@code marked} is the part that matched (between the database's « and » markers). */
    public record Part(String text, boolean marked) {}

    /** Splits a full-text snippet whose matches the database wrapped in {@code <<} and {@code >>}. */
    public static List<Part> snippet(String s) {
        List<Part> parts = new ArrayList<>();
        if (s == null) return parts;
        int at = 0;
        while (at < s.length()) {
            int open = s.indexOf("<<", at);
            int close = open < 0 ? -1 : s.indexOf(">>", open + 2);
            if (open < 0 || close < 0) {
                parts.add(new Part(s.substring(at), false));
                break;
            }
            if (open > at) parts.add(new Part(s.substring(at, open), false));
            parts.add(new Part(s.substring(open + 2, close), true));
            at = close + 2;
        }
        return parts;
    }

    /** Last four digits only: reviewers do not need the caller's full number. */
    public static String mask(String n) { return n == null || n.length() <= 4 ? n : "…" + n.substring(n.length() - 4); }

    /** Milliseconds into a recording as m:ss. */
    public static String clock(long ms) { return String.format("%d:%02d", ms / 60000, ms / 1000 % 60); }

    /** Seconds as m:ss. */
    public static String mmss(long s) { return String.format("%d:%02d", s / 60, s % 60); }

    public static String percent(double fraction) { return String.format("%.0f%%", fraction * 100); }

    /** An instant as {@code yyyy-MM-dd HH:mm:ss} (UTC). */
    public static String dateTime(Instant t) { return t == null ? "" : String.valueOf(t).replace('T', ' ').substring(0, 19); }

    /** An instant's time of day, {@code HH:mm:ss} (UTC). */
    public static String time(Instant t) { return t == null ? "" : String.valueOf(t).substring(11, 19); }

    public static String day(Instant t) { return t == null ? "" : DAY.format(t); }

    public static String orDash(Object v) { return v == null ? "—" : String.valueOf(v); }
}
