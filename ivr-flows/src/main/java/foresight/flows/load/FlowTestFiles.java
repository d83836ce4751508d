package foresight.flows.load;

import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest;
import foresight.speech.reason.Reason;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Loads the flow tests of an operator folder ({@code tests/*.yml}, shape {@link OperatorShapes#FLOW_TESTS}) and
 * checks them against the loaded flows: the nodes, queues and reasons a test expects must exist. All problems
 * are reported together as {@code file:line: message}.
 */
public final class FlowTestFiles {
    private FlowTestFiles() {}

    /** The tests in {@code dir/tests}, in file order; none when the folder does not exist. */
    public static List<FlowTest> load(Path dir, FlowSet set, String entryFlow) throws FlowLoadException {
        Path testsDir = dir.resolve("tests");
        List<FlowError> errors = new ArrayList<>();
        List<FlowTest> out = new ArrayList<>();
        if (!Files.isDirectory(testsDir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(testsDir)) {
            files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new FlowLoadException(List.of(new FlowError(testsDir.toString(), 1, "cannot list: " + e.getMessage())));
        }
        for (Path f : files) {
            var y = new YamlView(f.toString(), errors);
            Node root = read(f, errors);
            if (root != null) parse(y, root, set, entryFlow, out);
        }
        if (!errors.isEmpty()) throw new FlowLoadException(errors);
        return out;
    }

    private static Node read(Path f, List<FlowError> errors) {
        try {
            Node n = new Yaml(new LoaderOptions()).compose(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
            if (n == null) errors.add(new FlowError(f.toString(), 1, "file is empty"));
            return n;
        } catch (IOException e) {
            errors.add(new FlowError(f.toString(), 1, "cannot read: " + e.getMessage()));
        } catch (MarkedYAMLException e) {
            errors.add(new FlowError(f.toString(), e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1, "YAML syntax: " + e.getProblem()));
        } catch (RuntimeException e) {
            errors.add(new FlowError(f.toString(), 1, "YAML: " + e.getMessage()));
        }
        return null;
    }

    private static void parse(YamlView y, Node root, FlowSet set, String entryFlow, List<FlowTest> out) {
        Shape fileShape = OperatorShapes.FLOW_TESTS, test = OperatorShapes.TEST, turn = OperatorShapes.TURN;
        Map<String, Node> top = y.mapping(root, "tests file", fileShape.keys());
        if (!top.containsKey("tests")) {
            y.error(root, "tests file: 'tests' is required");
            return;
        }
        Set<String> names = new java.util.HashSet<>();
        for (Node item : y.sequence(top.get("tests"), "tests")) {
            Map<String, Node> m = y.mapping(item, "test", test.keys());
            String name = y.string(m, "name", item, "test", true);
            String what = "test '" + name + "'";
            if (name != null && !names.add(name)) y.error(item, what + " is defined twice");
            String from = y.string(m, "from", item, what, true);
            String flowName = y.string(m, "flow", item, what, false);
            Flow flow = flowName != null ? set.flows().get(flowName) : set.flows().getOrDefault(entryFlow, set.flows().values().iterator().next());
            if (flow == null) {
                y.error(m.get("flow"), what + ": unknown flow '" + flowName + "'" + YamlView.suggest(flowName, set.flows().keySet()));
                continue;
            }
            List<FlowTest.TurnStep> turns = new ArrayList<>();
            int index = 0;
            if (m.containsKey("turns")) for (Node t : y.sequence(m.get("turns"), what + ": turns")) {
                index++;
                String at = what + " turn " + index;
                Map<String, Node> tm = y.mapping(t, at, turn.keys());
                String say = y.string(tm, "say", t, at, false), press = y.string(tm, "press", t, at, false);
                FlowTest.Turn action = null;
                if ((say == null) == (press == null)) y.error(t, at + ": give exactly one of 'say' or 'press'");
                else if (say != null) action = new FlowTest.Turn.Say(say);
                else if (!press.matches("[0-9*#]")) y.error(tm.get("press"), at + ": 'press' is one key (0-9, * or #), was '" + press + "'");
                else action = new FlowTest.Turn.Press(press.charAt(0));
                FlowTest.Expect expect = tm.containsKey("expect") ? expect(y, tm.get("expect"), at, flow, set) : null;
                if (action != null) turns.add(new FlowTest.TurnStep(YamlView.line(t), action, expect));
            }
            FlowTest.Expect expect = m.containsKey("expect") ? expect(y, m.get("expect"), what, flow, set) : null;
            if (name != null && from != null) out.add(new FlowTest(y.file(), YamlView.line(item), name, from, flow.name(), turns, expect));
        }
    }

    private static FlowTest.Expect expect(YamlView y, Node n, String what, Flow flow, FlowSet set) {
        String at = what + ": expect";
        Map<String, Node> m = y.mapping(n, at, OperatorShapes.EXPECT.keys());
        if (m.isEmpty()) y.error(n, at + ": give at least one of " + String.join(", ", OperatorShapes.EXPECT.keys()));
        String node = y.string(m, "node", n, at, false);
        if (node != null && !flow.steps().containsKey(node)) {
            y.error(m.get("node"), at + ": node '" + node + "' does not exist in flow '" + flow.name() + "'" + YamlView.suggest(node, flow.steps().keySet()));
        }
        String queue = y.string(m, "queue", n, at, false);
        if (queue != null && !set.queues().containsKey(queue)) {
            y.error(m.get("queue"), at + ": unknown queue '" + queue + "'" + YamlView.suggest(queue, set.queues().keySet()) + " (queues are defined in queues.yml)");
        }
        String reason = y.string(m, "reason", n, at, false);
        Set<String> reasonIds = new TreeSet<>(set.reasons().stream().map(Reason::id).toList());
        if (reason != null && !reasonIds.isEmpty() && !reasonIds.contains(reason)) {
            y.error(m.get("reason"), at + ": unknown reason '" + reason + "'" + YamlView.suggest(reason, reasonIds) + " (reasons are defined in reasons.yml)");
        }
        String hangup = y.string(m, "hangup", n, at, false);
        if (hangup != null && !hangup.equals("true") && !hangup.equals("false")) y.error(m.get("hangup"), at + ": 'hangup' is true or false, was '" + hangup + "'");
        return new FlowTest.Expect(YamlView.line(n), node, queue, hangup == null ? null : Boolean.valueOf(hangup), reason);
    }
}
