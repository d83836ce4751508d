package foresight.app.digest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.util.List;
import java.util.Locale;

/** The digest as JSON (webhook, API), plain text (CLI, email body) and HTML (page, email alternative). Stateless. */
public final class DigestText {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private DigestText() {}

    public static String json(DailyDigest d) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("digest " + d.date() + " cannot be written as JSON", e);
        }
    }

    /** Reads a digest back from {@link #json} (the CLI reading the server's answer). */
    public static DailyDigest parse(String json) {
        try {
            return JSON.readValue(json, DailyDigest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a digest: " + e.getOriginalMessage(), e);
        }
    }

    /** The email subject, naming the date. */
    public static String subject(DailyDigest d) {
        int items = d.reasons().size() + d.categories().size() + d.newPhrases().size() + (d.precision().dropped() ? 1 : 0);
        return "Foresight digest for " + d.date() + (items == 0 ? ": nothing unusual" : ": " + items + " item(s)");
    }

    public static String text(DailyDigest d) {
        StringBuilder b = new StringBuilder();
        b.append("Foresight digest for ").append(d.date()).append(" (compared with ").append(d.baseline()).append(", ")
                .append(d.baselineFrom()).append("..").append(d.baselineTo()).append(")\n\n");
        rises(b, "Call reasons that rose", d.reasons());
        rises(b, "QA categories that rose", d.categories());
        b.append("New phrases this week (").append(d.date().minusDays(6)).append("..").append(d.date()).append("), never said before:\n");
        if (d.newPhrases().isEmpty()) b.append("  none\n");
        for (var p : d.newPhrases()) {
            b.append("  \"").append(p.text()).append("\" in ").append(p.calls()).append(" call(s)\n");
            examples(b, p.examples());
        }
        var p = d.precision();
        b.append("\nPredictor precision (callers who confirmed the predicted reason): ")
                .append(share(p.share())).append(" of ").append(p.asked()).append(" vs ").append(share(p.baselineShare()))
                .append(" of ").append(p.baselineAsked()).append(" before")
                .append(p.dropped() ? String.format(Locale.ROOT, " DROPPED (p=%.2g)%n", p.pValue()) : "\n");
        examples(b, p.examples());
        return b.toString();
    }

    private static void rises(StringBuilder b, String title, List<DailyDigest.Rise> rises) {
        b.append(title).append(":\n");
        if (rises.isEmpty()) b.append("  none\n");
        for (var r : rises) {
            b.append(String.format(Locale.ROOT, "  %s: %d calls vs %.1f a day before (x%.1f, p=%.2g)%n",
                    r.name(), r.calls(), r.baselinePerDay(), r.ratio(), r.pValue()));
            examples(b, r.examples());
        }
        b.append('\n');
    }

    private static void examples(StringBuilder b, List<DailyDigest.Example> examples) {
        for (var e : examples) b.append("    ").append(e.url()).append('\n');
    }

    public static String html(DailyDigest d) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset='utf-8'><title>")
                .append(esc(subject(d))).append("</title></head><body><h1>Foresight digest for ").append(d.date()).append("</h1><p>Compared with ")
                .append(esc(d.baseline())).append(" (").append(d.baselineFrom()).append(" to ").append(d.baselineTo())
                .append("); a rise is flagged when an exact Poisson rate test gives p &lt; 0.01 and the day has at least ")
                .append(DigestBuilder.MIN_CALLS).append(" calls.</p>");
        htmlRises(b, "reasons", "Call reasons that rose", d.reasons());
        htmlRises(b, "categories", "QA categories that rose", d.categories());
        b.append("<h2>New phrases this week</h2><ul id='phrases'>");
        if (d.newPhrases().isEmpty()) b.append("<li>none</li>");
        for (var p : d.newPhrases()) {
            b.append("<li><q>").append(esc(p.text())).append("</q> in ").append(p.calls()).append(" call(s) ").append(links(p.examples())).append("</li>");
        }
        var p = d.precision();
        b.append("</ul><h2>Predictor precision</h2><p id='precision'>").append(share(p.share())).append(" of ").append(p.asked())
                .append(" asked callers confirmed the predicted reason, vs ").append(share(p.baselineShare())).append(" of ")
                .append(p.baselineAsked()).append(" before").append(p.dropped() ? String.format(Locale.ROOT, ": <strong>dropped</strong> (p=%.2g) ", p.pValue()) : ".")
                .append(links(p.examples())).append("</p></body></html>");
        return b.toString();
    }

    private static void htmlRises(StringBuilder b, String id, String title, List<DailyDigest.Rise> rises) {
        b.append("<h2>").append(title).append("</h2><table id='").append(id).append("'><tr><th>name</th><th>calls</th><th>per day before</th>")
                .append("<th>ratio</th><th>p</th><th>examples</th></tr>");
        for (var r : rises) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%.2g</td><td>%s</td></tr>",
                    esc(r.name()), r.calls(), r.baselinePerDay(), r.ratio(), r.pValue(), links(r.examples())));
        }
        if (rises.isEmpty()) b.append("<tr><td colspan='6'>none</td></tr>");
        b.append("</table>");
    }

    private static String links(List<DailyDigest.Example> examples) {
        StringBuilder b = new StringBuilder();
        for (var e : examples) b.append("<a href='").append(esc(e.url())).append("'>").append(esc(e.callId())).append("</a> ");
        return b.toString().trim();
    }

    private static String share(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * s);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
