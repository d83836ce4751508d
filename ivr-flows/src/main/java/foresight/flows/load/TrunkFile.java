package foresight.flows.load;

import foresight.sip.trunk.DialRule;
import foresight.sip.trunk.Trunk;
import foresight.sip.trunk.TrunkPlan;
import org.yaml.snakeyaml.nodes.Node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads {@code trunks.yml}: the carriers' trunks that callbacks and flow transfers to phone numbers go out over, the
 * dial rules that pick one by number prefix, and the country code national numbers get. Every problem is reported
 * together as {@code file:line: message}. A missing file means no trunks ({@link TrunkPlan#NONE}).
 */
public final class TrunkFile {
    private static final Set<String> TOP = OperatorShapes.TRUNKS.keys();
    private static final Set<String> TRUNK = OperatorShapes.TRUNK.keys();
    private static final Set<String> ROUTE = OperatorShapes.ROUTE.keys();

    private TrunkFile() {}

    /** The plan in {@code file}; {@link TrunkPlan#NONE} if there is no such file. */
    public static TrunkPlan load(Path file) throws FlowLoadException {
        if (!Files.exists(file)) return TrunkPlan.NONE;
        List<FlowError> errors = new ArrayList<>();
        Node root = OperatorFiles.read(file, new TreeMap<>(), errors);
        TrunkPlan plan = root == null ? null : parse(new YamlView(file.toString(), errors), root);
        if (!errors.isEmpty() || plan == null) throw new FlowLoadException(errors);
        return plan;
    }

    private static TrunkPlan parse(YamlView y, Node root) {
        Map<String, Node> top = y.mapping(root, "trunks file", TOP);
        String country = y.string(top, "country_code", root, "trunks file", false);
        if (country == null) country = "1";
        else if (!country.matches("[1-9][0-9]{0,2}")) {
            y.error(top.get("country_code"), "trunks file: 'country_code' is the 1-3 digit code national numbers get (1, 44, 49), was '" + country + "'");
            country = "1";
        }
        Map<String, Trunk> trunks = new LinkedHashMap<>();
        Set<String> declared = new java.util.LinkedHashSet<>(); // names given, valid or not: routes to a broken trunk are not "unknown"
        if (!top.containsKey("trunks")) y.error(root, "trunks file: 'trunks' is required (a list of trunks)");
        else for (Node item : y.sequence(top.get("trunks"), "trunks")) {
            Map<String, Node> m = y.mapping(item, "trunk", TRUNK);
            String name = y.string(m, "name", item, "trunk", true);
            String what = name == null ? "trunk" : "trunk '" + name + "'";
            String uri = y.string(m, "uri", item, what, true);
            int channels = (int) y.number(m, OperatorShapes.TRUNK.field("max_channels"), item, what);
            if (name != null) declared.add(name);
            if (name == null || uri == null) continue;
            if (trunks.containsKey(name)) {
                y.error(m.get("name"), what + " is defined twice");
                continue;
            }
            try {
                trunks.put(name, new Trunk(name, uri, y.string(m, "username", item, what, false), y.string(m, "password", item, what, false),
                        y.string(m, "caller_id", item, what, false), channels));
            } catch (IllegalArgumentException e) {
                y.error(at(m, e.getMessage(), item), what + ": " + e.getMessage());
            }
        }
        List<DialRule> rules = new ArrayList<>();
        if (top.containsKey("routes")) for (Node item : y.sequence(top.get("routes"), "routes")) {
            Map<String, Node> m = y.mapping(item, "route", ROUTE);
            String prefix = y.string(m, "prefix", item, "route", true);
            String trunk = y.string(m, "trunk", item, "route", true);
            if (prefix == null || trunk == null) continue;
            DialRule rule;
            try {
                rule = new DialRule(prefix, trunk);
            } catch (IllegalArgumentException e) {
                y.error(m.get("prefix"), "route: " + e.getMessage());
                rule = null;
            }
            if (!declared.contains(trunk)) {
                y.error(m.get("trunk"), "route '" + prefix + "': unknown trunk '" + trunk + "'" + YamlView.suggest(trunk, declared));
            } else if (rule != null && rules.stream().anyMatch(r -> r.prefix().equals(prefix))) {
                y.error(m.get("prefix"), "route '" + prefix + "' is given twice");
            } else if (rule != null && trunks.containsKey(trunk)) {
                rules.add(rule);
            }
        }
        String dflt = y.string(top, "default", root, "trunks file", false);
        if (dflt != null && !trunks.containsKey(dflt)) {
            if (!declared.contains(dflt)) y.error(top.get("default"), "trunks file: default trunk '" + dflt + "' is not defined" + YamlView.suggest(dflt, declared));
            dflt = null;
        }
        if (dflt == null && !top.containsKey("default") && trunks.size() == 1) dflt = trunks.keySet().iterator().next(); // one trunk takes everything
        return new TrunkPlan(country, trunks, rules, dflt);
    }

    /** The line a trunk's problem is on: the key its message names, else the trunk's first line. */
    private static Node at(Map<String, Node> m, String message, Node item) {
        for (String key : List.of("uri", "username", "password", "caller_id", "max_channels", "name")) {
            String said = switch (key) {
                case "caller_id" -> "callerId";
                case "max_channels" -> "maxChannels";
                default -> key;
            };
            if (message.startsWith(said) && m.containsKey(key)) return m.get(key);
        }
        return item;
    }
}
