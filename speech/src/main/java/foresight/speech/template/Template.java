package foresight.speech.template;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{a.b}}} placeholders filled from nested maps. A missing value renders as an empty string, so a prompt
 * never reads "null" to a caller. Stateless.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");

    private Template() {}

    public static String render(String template, Map<String, ?> values) {
        if (template == null) return "";
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Object v = lookup(values, m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v.toString()));
        }
        m.appendTail(sb);
        return sb.toString().replaceAll("\\s+", " ").trim();
    }

    /** The placeholders a template uses, for validation. */
    public static java.util.List<String> placeholders(String template) {
        var out = new java.util.ArrayList<String>();
        Matcher m = PLACEHOLDER.matcher(template == null ? "" : template);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static Object lookup(Map<String, ?> values, String path) {
        Object cur = values;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> map)) return null;
            cur = map.get(part);
        }
        return cur;
    }
}
