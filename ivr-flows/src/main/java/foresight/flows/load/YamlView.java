package foresight.flows.load;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads SnakeYAML's node tree (which keeps line numbers) and collects every problem as a {@link FlowError}
 * instead of stopping at the first, so an operator sees all mistakes in one run.
 */
final class YamlView {
    private final String file;
    private final List<FlowError> errors;

    YamlView(String file, List<FlowError> errors) {
        this.file = file;
        this.errors = errors;
    }

    static int line(Node n) { return n.getStartMark().getLine() + 1; }

    void error(Node at, String message) { errors.add(new FlowError(file, line(at), message)); }

    String file() { return file; }

    /** The mapping's entries by key, in file order; reports duplicate and unknown keys. */
    Map<String, Node> mapping(Node n, String what, Set<String> allowed) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (!(n instanceof MappingNode m)) {
            error(n, what + " must be a mapping of key: value");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null) {
                error(t.getKeyNode(), what + ": keys must be plain words");
                continue;
            }
            if (out.containsKey(key)) error(t.getKeyNode(), what + ": '" + key + "' is given twice");
            if (allowed != null && !allowed.contains(key)) {
                error(t.getKeyNode(), what + ": unknown key '" + key + "'" + suggest(key, allowed));
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    String string(Map<String, Node> m, String key, Node parent, String what, boolean required) {
        Node v = m.get(key);
        if (v == null) {
            if (required) error(parent, what + ": '" + key + "' is required");
            return null;
        }
        if (!(v instanceof ScalarNode s)) {
            error(v, what + ": '" + key + "' must be a single value");
            return null;
        }
        return s.getValue();
    }

    double number(Map<String, Node> m, String key, Node parent, String what, double dflt, double min, double max) {
        String s = string(m, key, parent, what, false);
        if (s == null) return dflt;
        try {
            double d = Double.parseDouble(s);
            if (d < min || d > max) {
                error(m.get(key), what + ": '" + key + "' must be between " + fmt(min) + " and " + fmt(max) + ", was " + s);
                return dflt;
            }
            return d;
        } catch (NumberFormatException e) {
            error(m.get(key), what + ": '" + key + "' must be a number, was '" + s + "'");
            return dflt;
        }
    }

    /** A number field of a {@link Shape}: its range and default come from the shape. */
    double number(Map<String, Node> m, Shape.Field f, Node parent, String what) {
        return number(m, f.key(), parent, what, f.defaultNumber(), f.min(), f.max());
    }

    /** A number field of a {@link Shape} without a default: null when absent. */
    Double optionalNumber(Map<String, Node> m, Shape.Field f, Node parent, String what) {
        return m.containsKey(f.key()) ? number(m, f.key(), parent, what, f.min(), f.min(), f.max()) : null;
    }

    List<Node> sequence(Node n, String what) {
        if (n instanceof SequenceNode s) return s.getValue();
        error(n, what + " must be a list");
        return List.of();
    }

    List<String> strings(Map<String, Node> m, String key, String what) {
        Node v = m.get(key);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (Node item : sequence(v, what + ": '" + key + "'")) {
            if (item instanceof ScalarNode s) out.add(s.getValue());
            else error(item, what + ": '" + key + "' entries must be single values");
        }
        return out;
    }

    private static String fmt(double d) { return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d); }

    /** " (did you mean 'x'?)" when a known word is within two edits. */
    static String suggest(String word, Set<String> known) {
        String best = null;
        int bestD = 3;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestD) { bestD = d; best = k; }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
