package foresight.flows.load;

import foresight.call.AudioClip;
import foresight.flows.model.Answer;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.IntentModel;
import foresight.acd.QueueDefinition;
import foresight.acd.Staffing;
import foresight.flows.model.Step;
import foresight.recording.qa.QaRules;
import foresight.recording.wav.WavReader;
import foresight.speech.audio.Resampler;
import foresight.speech.intent.ReasonClassifier;
import foresight.speech.reason.Reason;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Loads an operator directory ({@code flows/*.yml}, {@code queues.yml}, {@code reasons.yml}) into a
 * {@link FlowSet}, checking everything: YAML syntax, node types and fields, links between nodes, queue and
 * reason names. All problems are reported together as {@code file:line: message}.
 */
public final class OperatorFiles {
    static final Set<String> STEP_TYPES = OperatorShapes.STEPS.keySet();

    private OperatorFiles() {}

    /**
     * Only the folder's QA rules ({@code qa-rules.yml}; none there = {@link QaRules#DEFAULT}), for a process that
     * transcribes and runs no flows (no intent model is trained).
     */
    public static QaRules loadQaRules(Path dir) throws FlowLoadException {
        Path qaFile = dir.resolve("qa-rules.yml");
        if (!Files.exists(qaFile)) return QaRules.DEFAULT;
        List<FlowError> errors = new ArrayList<>();
        Node root = read(qaFile, new TreeMap<>(), errors);
        QaRules qa = root == null ? QaRules.DEFAULT : parseQaRules(new YamlView(qaFile.toString(), errors), root);
        if (!errors.isEmpty()) throw new FlowLoadException(errors);
        return qa;
    }

    public static FlowSet load(Path dir) throws FlowLoadException {
        List<FlowError> errors = new ArrayList<>();
        Map<String, String> contents = new TreeMap<>();
        Path flowsDir = dir.resolve("flows");
        List<Path> flowFiles = new ArrayList<>();
        if (!Files.isDirectory(flowsDir)) {
            errors.add(new FlowError(dir.resolve("flows").toString(), 1, "folder of flow files is missing"));
        } else {
            try (Stream<Path> s = Files.list(flowsDir)) {
                s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(flowFiles::add);
            } catch (IOException e) {
                errors.add(new FlowError(flowsDir.toString(), 1, "cannot list: " + e.getMessage()));
            }
            if (flowFiles.isEmpty() && errors.isEmpty()) errors.add(new FlowError(flowsDir.toString(), 1, "no flow files (*.yml)"));
        }
        List<Reason> reasons = List.of();
        List<ReasonClassifier.Labelled> utterances = List.of();
        Path reasonsFile = dir.resolve("reasons.yml");
        if (Files.exists(reasonsFile)) {
            Node root = read(reasonsFile, contents, errors);
            if (root != null) {
                var y = new YamlView(reasonsFile.toString(), errors);
                reasons = parseReasons(y, root);
                utterances = parseUtterances(y, root, dir, contents);
            }
        }
        QaRules qa = QaRules.DEFAULT;
        Path qaFile = dir.resolve("qa-rules.yml");
        if (Files.exists(qaFile)) {
            Node root = read(qaFile, contents, errors);
            if (root != null) qa = parseQaRules(new YamlView(qaFile.toString(), errors), root);
        }
        Map<String, QueueDefinition> queues = Map.of();
        Staffing staffing = Staffing.DEFAULT;
        Path queuesFile = dir.resolve("queues.yml");
        if (Files.exists(queuesFile)) {
            Node root = read(queuesFile, contents, errors);
            if (root != null) {
                QueuesFile qf = parseQueues(new YamlView(queuesFile.toString(), errors), root, dir, contents);
                queues = qf.queues();
                staffing = qf.staffing();
            }
        }
        Set<String> reasonIds = new java.util.HashSet<>();
        reasons.forEach(r -> reasonIds.add(r.id()));
        List<Answer> answers = List.of();
        Path answersFile = dir.resolve("answers.yml");
        if (Files.exists(answersFile)) {
            Node root = read(answersFile, contents, errors);
            if (root != null) answers = parseAnswers(new YamlView(answersFile.toString(), errors), root, reasonIds);
        }
        Map<String, Flow> flows = new LinkedHashMap<>();
        for (Path f : flowFiles) {
            Node root = read(f, contents, errors);
            if (root == null) continue;
            Flow flow = parseFlow(new YamlView(f.toString(), errors), root, queues.keySet(), reasonIds);
            if (flow != null) {
                if (flows.containsKey(flow.name())) errors.add(new FlowError(f.toString(), YamlView.line(root), "flow name '" + flow.name() + "' is also used by " + flows.get(flow.name()).file()));
                flows.put(flow.name(), flow);
            }
        }
        if (!errors.isEmpty()) throw new FlowLoadException(errors);
        return new FlowSet(flows, queues, reasons, version(contents), Instant.now(), new IntentModel(reasons, utterances), qa, staffing, answers);
    }

    static Node read(Path file, Map<String, String> contents, List<FlowError> errors) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            errors.add(new FlowError(file.toString(), 1, "cannot read: " + e.getMessage()));
            return null;
        }
        contents.put(file.getFileName().toString(), text);
        try {
            Node n = new Yaml(new LoaderOptions()).compose(new StringReader(text));
            if (n == null) errors.add(new FlowError(file.toString(), 1, "file is empty"));
            return n;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            errors.add(new FlowError(file.toString(), line, "YAML syntax: " + e.getProblem()));
            return null;
        } catch (RuntimeException e) {
            errors.add(new FlowError(file.toString(), 1, "YAML: " + e.getMessage()));
            return null;
        }
    }

    private static Flow parseFlow(YamlView y, Node root, Set<String> queueNames, Set<String> reasonIds) {
        Map<String, Node> top = y.mapping(root, "flow file", OperatorShapes.FLOW.keys());
        String name = y.string(top, "flow", root, "flow file", true);
        double answerAfter = y.number(top, OperatorShapes.FLOW.field("answer_after_seconds"), root, "flow file");
        String start = y.string(top, "start", root, "flow file", true);
        Node nodesNode = top.get("nodes");
        if (nodesNode == null) {
            y.error(root, "flow file: 'nodes' is required");
            return null;
        }
        Map<String, Node> nodes = y.mapping(nodesNode, "nodes", null);
        Map<String, Step> steps = new LinkedHashMap<>();
        List<Object[]> links = new ArrayList<>(); // {from node, field, target, yaml node}
        for (var e : nodes.entrySet()) {
            Step s = parseStep(y, e.getKey(), e.getValue(), links, queueNames, reasonIds);
            if (s != null) steps.put(e.getKey(), s);
        }
        if (start != null && !nodes.containsKey(start)) y.error(top.get("start"), "start node '" + start + "' is not defined" + YamlView.suggest(start, nodes.keySet()));
        for (Object[] l : links) {
            String target = (String) l[2];
            if (!nodes.containsKey(target)) {
                y.error((Node) l[3], "node '" + l[0] + "': '" + l[1] + "' points to unknown node '" + target + "'" + YamlView.suggest(target, nodes.keySet()));
            }
        }
        return name == null || start == null ? null : new Flow(name, y.file(), start, steps, java.time.Duration.ofMillis(Math.round(answerAfter * 1000)));
    }

    private static Step parseStep(YamlView y, String id, Node n, List<Object[]> links, Set<String> queueNames, Set<String> reasonIds) {
        Map<String, Node> m = y.mapping(n, "node '" + id + "'", null);
        String type = null;
        for (String k : m.keySet()) if (STEP_TYPES.contains(k)) {
            if (type != null) y.error(n, "node '" + id + "' has two types: '" + type + "' and '" + k + "'");
            type = k;
        }
        if (type == null) {
            String guess = m.keySet().stream().findFirst().orElse("");
            y.error(n, "node '" + id + "' has no known type; unknown node type '" + guess + "'" + YamlView.suggest(guess, STEP_TYPES)
                    + "; types are " + String.join(", ", new TreeMap<>(toMap(STEP_TYPES)).keySet()));
            return null;
        }
        String what = "node '" + id + "'";
        Shape shape = OperatorShapes.STEPS.get(type);
        for (String k : m.keySet()) if (!shape.keys().contains(k)) {
            y.error(n, what + " (" + type + "): unknown key '" + k + "'" + YamlView.suggest(k, shape.keys()));
        }
        int line = YamlView.line(n);
        java.util.function.BiFunction<String, Boolean, String> link = (field, required) -> {
            String t = y.string(m, field, n, what, required);
            if (t != null) links.add(new Object[]{id, field, t, m.get(field)});
            return t;
        };
        Duration timeout = Duration.ofMillis((long) (1000 * (shape.keys().contains("timeout_seconds") ? y.number(m, shape.field("timeout_seconds"), n, what) : 0)));
        return switch (type) {
            case "say" -> new Step.Say(id, line, y.string(m, "say", n, what, true), link.apply("next", true));
            case "predict_issue" -> {
                Shape options = shape.field("predict_issue").shape();
                Map<String, Node> opts = m.get("predict_issue") instanceof ScalarNode ? Map.of() : y.mapping(m.get("predict_issue"), what + " predict_issue", options.keys());
                double min = opts.containsKey("min_confidence") ? y.number(opts, options.field("min_confidence"), n, what) : y.number(m, shape.field("min_confidence"), n, what);
                yield new Step.PredictIssue(id, line, min, link.apply("found", true), link.apply("none", true));
            }
            case "confirm" -> {
                String yes = link.apply("yes", true), no = link.apply("no", true), unclear = link.apply("unclear", false);
                yield new Step.Confirm(id, line, y.string(m, "confirm", n, what, true), yes, no, unclear == null ? no : unclear, timeout);
            }
            case "ask" -> new Step.Ask(id, line, y.string(m, "ask", n, what, true), link.apply("matched", true), link.apply("nomatch", true), timeout,
                    y.number(m, shape.field("min_confidence"), n, what));
            case "menu" -> {
                Map<String, String> options = new LinkedHashMap<>();
                if (!m.containsKey("options")) y.error(n, what + ": 'options' is required");
                else for (var o : y.mapping(m.get("options"), what + " options", null).entrySet()) {
                    if (!o.getKey().matches("[0-9*#]")) y.error(o.getValue(), what + ": option '" + o.getKey() + "' must be one key: 0-9, * or #");
                    if (o.getValue() instanceof ScalarNode s) {
                        options.put(o.getKey(), s.getValue());
                        links.add(new Object[]{id, "options." + o.getKey(), s.getValue(), o.getValue()});
                    } else y.error(o.getValue(), what + ": option '" + o.getKey() + "' must name a node");
                }
                int retries = (int) y.number(m, shape.field("retries"), n, what);
                yield new Step.Menu(id, line, y.string(m, "menu", n, what, true), options, retries, link.apply("fallback", true), timeout);
            }
            case "set" -> {
                Map<String, String> values = new LinkedHashMap<>();
                for (var v : y.mapping(m.get("set"), what + " set", null).entrySet()) {
                    if (v.getValue() instanceof ScalarNode s) values.put(v.getKey(), s.getValue());
                    else y.error(v.getValue(), what + ": value of '" + v.getKey() + "' must be a single value");
                    if (v.getKey().equals("reason") && v.getValue() instanceof ScalarNode s && !reasonIds.isEmpty() && !reasonIds.contains(s.getValue()) && !s.getValue().contains("{{")) {
                        y.error(v.getValue(), what + ": unknown reason '" + s.getValue() + "'" + YamlView.suggest(s.getValue(), reasonIds));
                    }
                }
                yield new Step.SetVars(id, line, values, link.apply("next", true));
            }
            case "switch" -> {
                String variable = y.string(m, "switch", n, what, true);
                Map<String, String> cases = new LinkedHashMap<>();
                if (m.containsKey("cases")) for (var c : y.mapping(m.get("cases"), what + " cases", null).entrySet()) {
                    if (c.getValue() instanceof ScalarNode s) {
                        cases.put(c.getKey(), s.getValue());
                        links.add(new Object[]{id, "cases." + c.getKey(), s.getValue(), c.getValue()});
                    } else y.error(c.getValue(), what + ": case '" + c.getKey() + "' must name a node");
                    if ("reason".equals(variable) && !reasonIds.isEmpty() && !reasonIds.contains(c.getKey())) {
                        y.error(c.getValue(), what + ": case '" + c.getKey() + "' is not a reason in reasons.yml" + YamlView.suggest(c.getKey(), reasonIds));
                    }
                }
                yield new Step.Switch(id, line, variable, cases, link.apply("default", true));
            }
            case "queue" -> {
                String q = y.string(m, "queue", n, what, true);
                if (q != null && !queueNames.contains(q)) y.error(m.get("queue"), what + ": unknown queue '" + q + "'" + YamlView.suggest(q, queueNames) + " (queues are defined in queues.yml)");
                yield new Step.Queue(id, line, q, link.apply("next", true));
            }
            case "transfer" -> {
                String to = y.string(m, "transfer", n, what, true);
                if (to != null && !to.contains("{{") && !to.strip().matches("(?i)sips?:.+") && !foresight.sip.trunk.TrunkPlan.isPhoneNumber(to)) {
                    y.error(m.get("transfer"), what + ": 'transfer' must be a phone number, a sip: URI or a template, was '" + to + "'");
                }
                Duration ring = Duration.ofSeconds((long) y.number(m, shape.field("ring_seconds"), n, what));
                yield new Step.Transfer(id, line, to, ring, link.apply("next", true));
            }
            case "hangup" -> new Step.Hangup(id, line);
            case "record" -> {
                String what2 = y.string(m, "record", n, what, true);
                if (what2 != null && !shape.field("record").values().contains(what2)) {
                    y.error(m.get("record"), what + ": 'record' is pause or resume, not '" + what2 + "'");
                }
                yield new Step.Record(id, line, "pause".equals(what2), link.apply("next", true));
            }
            default -> throw new IllegalStateException("unhandled step type " + type);
        };
    }

    private static List<Reason> parseReasons(YamlView y, Node root) {
        Map<String, Node> top = y.mapping(root, "reasons file", OperatorShapes.REASONS.keys());
        List<Reason> out = new ArrayList<>();
        if (!top.containsKey("reasons")) {
            y.error(root, "reasons file: 'reasons' is required");
            return out;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Node item : y.sequence(top.get("reasons"), "reasons")) {
            Map<String, Node> m = y.mapping(item, "reason", OperatorShapes.REASON.keys());
            String id = y.string(m, "id", item, "reason", true);
            String what = "reason '" + id + "'";
            if (id != null && !seen.add(id)) y.error(item, what + " is defined twice");
            List<Reason.EventRule> rules = new ArrayList<>();
            if (m.containsKey("likely_when")) for (Node r : y.sequence(m.get("likely_when"), what + ": likely_when")) {
                Map<String, Node> rm = y.mapping(r, what + " likely_when", OperatorShapes.LIKELY_WHEN.keys());
                String type = y.string(rm, "event", r, what + " likely_when", true);
                int days = (int) y.number(rm, OperatorShapes.LIKELY_WHEN.field("within_days"), r, what + " likely_when");
                double weight = y.number(rm, OperatorShapes.LIKELY_WHEN.field("weight"), r, what + " likely_when");
                if (type != null) rules.add(new Reason.EventRule(type, y.string(rm, "status", r, what, false), days, weight));
            }
            if (id != null) {
                String label = y.string(m, "label", item, what, false);
                String confirm = y.string(m, "confirm", item, what, false);
                out.add(new Reason(id, label == null ? id : label, confirm == null ? "Are you calling about " + (label == null ? id : label) + "?" : confirm,
                        y.strings(m, "keywords", what), y.strings(m, "examples", what), rules));
            }
        }
        return out;
    }

    /**
     * The optional labelled-utterance CSV ({@code utterances: file.csv}, columns {@code text,category}) mapped onto
     * reasons by each reason's {@code intents} list; {@code "*"} on one reason takes every category no other reason
     * names. Unknown or doubly claimed categories are errors at their line.
     */
    private static List<ReasonClassifier.Labelled> parseUtterances(YamlView y, Node root, Path dir, Map<String, String> contents) {
        if (!(root instanceof MappingNode)) return List.of();
        Map<String, Node> top = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) root).getValue()) if (t.getKeyNode() instanceof ScalarNode k) top.put(k.getValue(), t.getValueNode());
        String file = top.get("utterances") instanceof ScalarNode s ? s.getValue() : null;
        Map<String, String> reasonOf = new HashMap<>();   // category -> reason id
        Map<String, Node> namedAt = new HashMap<>();      // category -> where it was named
        String catchAll = null;
        if (top.get("reasons") instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof MappingNode m)) continue;
                String id = null;
                Node intents = null;
                for (NodeTuple t : m.getValue()) {
                    String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                    if (key.equals("id") && t.getValueNode() instanceof ScalarNode v) id = v.getValue();
                    if (key.equals("intents")) intents = t.getValueNode();
                }
                if (id == null || intents == null) continue;
                if (file == null) {
                    y.error(intents, "reason '" + id + "': 'intents' names categories of the utterances file, but 'utterances' is not set");
                    continue;
                }
                for (Node c : y.sequence(intents, "reason '" + id + "': intents")) {
                    if (!(c instanceof ScalarNode sc)) continue;
                    String cat = sc.getValue();
                    if (cat.equals("*")) {
                        if (catchAll != null) y.error(c, "reason '" + id + "': '*' (every other category) is already taken by reason '" + catchAll + "'");
                        catchAll = id;
                    } else if (reasonOf.containsKey(cat)) {
                        y.error(c, "reason '" + id + "': intent '" + cat + "' already belongs to reason '" + reasonOf.get(cat) + "'");
                    } else {
                        reasonOf.put(cat, id);
                        namedAt.put(cat, c);
                    }
                }
            }
        }
        if (file == null) return List.of();
        Path csv = dir.resolve(file);
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
            while (it.hasNextValue()) rows.add(it.nextValue());
            contents.put(file, Files.size(csv) + ":" + Files.getLastModifiedTime(csv).toMillis());
        } catch (IOException | RuntimeException e) {
            y.error(top.get("utterances"), "utterances '" + file + "': cannot read: " + e.getMessage());
            return List.of();
        }
        if (rows.isEmpty() || !rows.getFirst().containsKey("text") || !rows.getFirst().containsKey("category")) {
            y.error(top.get("utterances"), "utterances '" + file + "': needs a header row with the columns text,category");
            return List.of();
        }
        Set<String> categories = new java.util.TreeSet<>();
        List<ReasonClassifier.Labelled> out = new ArrayList<>();
        for (Map<String, String> r : rows) {
            String cat = r.getOrDefault("category", "").trim(), text = r.getOrDefault("text", "").trim();
            if (cat.isEmpty() || text.isEmpty()) continue;
            categories.add(cat);
            String reason = reasonOf.getOrDefault(cat, catchAll);
            if (reason != null) out.add(new ReasonClassifier.Labelled(text, reason));
        }
        for (var e : namedAt.entrySet()) {
            if (!categories.contains(e.getKey())) {
                y.error(e.getValue(), "intent '" + e.getKey() + "' does not occur in " + file + YamlView.suggest(e.getKey(), categories));
            }
        }
        return out;
    }

    private static QaRules parseQaRules(YamlView y, Node root) {
        Map<String, Node> top = y.mapping(root, "qa rules file", OperatorShapes.QA_RULES.keys());
        double sampleRate = y.number(top, OperatorShapes.QA_RULES.field("review_sample_rate"), root, "qa rules file");
        int minPerAgent = (int) y.number(top, OperatorShapes.QA_RULES.field("review_min_per_agent_per_day"), root, "qa rules file");
        boolean redact = !top.containsKey("redact") || "true".equalsIgnoreCase(y.string(top, "redact", root, "qa rules file", false));
        List<QaRules.Category> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        if (top.containsKey("categories")) for (Node item : y.sequence(top.get("categories"), "categories")) {
            Map<String, Node> m = y.mapping(item, "category", OperatorShapes.QA_CATEGORY.keys());
            String name = y.string(m, "name", item, "category", true);
            String what = "category '" + name + "'";
            if (name != null && !names.add(name)) y.error(item, what + " is defined twice");
            String channel = m.containsKey("channel") ? y.string(m, "channel", item, what, false) : "any";
            if (channel != null && !OperatorShapes.QA_CATEGORY.field("channel").values().contains(channel)) {
                y.error(m.get("channel"), what + ": channel '" + channel + "' must be caller, agent or any");
            }
            List<List<String>> phrases = new ArrayList<>();
            for (String p : y.strings(m, "phrases", what)) {
                List<String> words = java.util.Arrays.stream(p.toLowerCase().split("[^a-z0-9']+")).filter(w -> !w.isEmpty()).toList();
                if (words.isEmpty()) y.error(m.get("phrases"), what + ": phrase '" + p + "' has no words");
                else phrases.add(words);
            }
            Double silence = y.optionalNumber(m, OperatorShapes.QA_CATEGORY.field("silence_seconds"), item, what);
            Double overtalk = y.optionalNumber(m, OperatorShapes.QA_CATEGORY.field("overtalk_seconds"), item, what);
            int kinds = (phrases.isEmpty() ? 0 : 1) + (silence == null ? 0 : 1) + (overtalk == null ? 0 : 1);
            if (kinds != 1) y.error(item, what + ": give exactly one of 'phrases', 'silence_seconds' or 'overtalk_seconds'");
            Double withinSeconds = y.optionalNumber(m, OperatorShapes.QA_CATEGORY.field("within_seconds"), item, what);
            Integer within = withinSeconds == null ? null : withinSeconds.intValue();
            boolean required = m.containsKey("required") && "true".equalsIgnoreCase(y.string(m, "required", item, what, false));
            int points = (int) y.number(m, OperatorShapes.QA_CATEGORY.field("points"), item, what);
            if (name != null && channel != null) out.add(new QaRules.Category(name, channel, phrases, within, required, points, silence, overtalk));
        }
        return new QaRules(out, redact, sampleRate, minPerAgent);
    }

    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES).enable(CsvParser.Feature.SKIP_EMPTY_LINES);

    /** answers.yml: the agents' knowledge file, suggested on the screen-pop by reason and by the caller's words. */
    private static List<Answer> parseAnswers(YamlView y, Node root, Set<String> reasonIds) {
        Map<String, Node> top = y.mapping(root, "answers file", OperatorShapes.ANSWERS.keys());
        List<Answer> out = new ArrayList<>();
        if (!top.containsKey("answers")) {
            y.error(root, "answers file: 'answers' is required");
            return out;
        }
        for (Node item : y.sequence(top.get("answers"), "answers")) {
            Map<String, Node> m = y.mapping(item, "answer", OperatorShapes.ANSWER.keys());
            String title = y.string(m, "title", item, "answer", true);
            String what = "answer '" + title + "'";
            String text = y.string(m, "text", item, what, true);
            List<String> reasons = y.strings(m, "reasons", what);
            for (String r : reasons) {
                if (!reasonIds.contains(r)) y.error(m.get("reasons"), what + ": unknown reason '" + r + "'" + YamlView.suggest(r, reasonIds) + " (reasons are defined in reasons.yml)");
            }
            List<String> keywords = y.strings(m, "keywords", what);
            if (reasons.isEmpty() && keywords.isEmpty()) y.error(item, what + ": give 'reasons' or 'keywords', or it is never suggested");
            if (title != null && text != null) out.add(new Answer(title, reasons, keywords, text.trim()));
        }
        return out;
    }

    /** What queues.yml holds: the queues, and the tiers and agents' skills beside them. */
    private record QueuesFile(Map<String, QueueDefinition> queues, Staffing staffing) {}

    private static QueuesFile parseQueues(YamlView y, Node root, Path dir, Map<String, String> contents) {
        Map<String, Node> top = y.mapping(root, "queues file", OperatorShapes.QUEUES.keys());
        Map<String, QueueDefinition> out = new LinkedHashMap<>();
        if (!top.containsKey("queues")) {
            y.error(root, "queues file: 'queues' is required");
            return new QueuesFile(out, Staffing.DEFAULT);
        }
        Map<String, Node> overflowAt = new LinkedHashMap<>();
        for (Node item : y.sequence(top.get("queues"), "queues")) {
            Map<String, Node> m = y.mapping(item, "queue", OperatorShapes.QUEUE.keys());
            String name = y.string(m, "name", item, "queue", true);
            String what = "queue '" + name + "'";
            if (name == null) continue;
            if (out.containsKey(name)) y.error(item, what + " is defined twice");
            String extension = y.string(m, "extension", item, what, false);
            if (extension != null && !extension.matches("[0-9*#]{1,15}")) {
                y.error(m.get("extension"), what + ": extension '" + extension + "' must be 1 to 15 digits (it is dialled or transferred to)");
            } else if (extension != null) {
                for (QueueDefinition other : out.values()) {
                    if (extension.equals(other.extension())) y.error(m.get("extension"), what + ": extension " + extension + " is already queue '" + other.name() + "'");
                }
            }
            QueueDefinition.Strategy strategy = QueueDefinition.Strategy.LONGEST_IDLE;
            String st = y.string(m, "strategy", item, what, false);
            if (st != null) {
                Map<String, QueueDefinition.Strategy> byName = new LinkedHashMap<>();
                for (var v : QueueDefinition.Strategy.values()) byName.put(v.yamlName(), v);
                strategy = byName.get(st);
                if (strategy == null) {
                    y.error(m.get("strategy"), what + ": unknown strategy '" + st + "'" + YamlView.suggest(st, byName.keySet()) + " (one of " + String.join(", ", byName.keySet()) + ")");
                    strategy = QueueDefinition.Strategy.LONGEST_IDLE;
                }
            }
            String overflow = y.string(m, "overflow", item, what, false);
            if (overflow != null && !overflow.equals(QueueDefinition.CALLBACK)) overflowAt.put(name, m.get("overflow"));
            String callbackKey = y.string(m, "callback_key", item, what, false);
            if (callbackKey != null && !callbackKey.matches("[0-9*#]")) {
                y.error(m.get("callback_key"), what + ": callback_key must be one key (0-9, * or #), was '" + callbackKey + "'");
                callbackKey = null;
            }
            if (QueueDefinition.CALLBACK.equals(overflow) && callbackKey == null) {
                y.error(m.get("overflow"), what + ": overflow to callback needs a callback_key (the key the caller presses to accept)");
            }
            out.put(name, new QueueDefinition(name,
                    seconds(y, m, "max_wait_seconds", item, what),
                    seconds(y, m, "ring_timeout_seconds", item, what),
                    y.string(m, "announcement", item, what, false), music(y, m, item, what, dir, contents), extension,
                    y.strings(m, "skills", what), strategy,
                    seconds(y, m, "wrap_up_seconds", item, what),
                    seconds(y, m, "aging_seconds", item, what),
                    seconds(y, m, "announce_every_seconds", item, what),
                    overflow, callbackKey,
                    seconds(y, m, "service_level_seconds", item, what),
                    y.number(m, OperatorShapes.QUEUE.field("service_level_goal"), item, what),
                    seconds(y, m, "alert_wait_seconds", item, what),
                    seconds(y, m, "handle_seconds", item, what)));
            Node announce = m.get("announce_every_seconds");
            if (announce != null && out.get(name).announceEvery().isPositive() && out.get(name).announceEvery().toSeconds() < 10) {
                y.error(announce, what + ": announce_every_seconds must be 0 (off) or at least 10");
            }
        }
        overflowAt.forEach((q, node) -> {
            String target = out.get(q).overflow();
            if (!out.containsKey(target)) y.error(node, "queue '" + q + "': overflow '" + target + "' is neither a queue" + YamlView.suggest(target, out.keySet()) + " nor 'callback'");
            else if (target.equals(q)) y.error(node, "queue '" + q + "': overflow to itself");
        });
        Map<String, Integer> tiers = new LinkedHashMap<>();
        if (top.containsKey("tiers")) {
            Map<String, Node> t = y.mapping(top.get("tiers"), "tiers", null);
            for (String tier : t.keySet()) tiers.put(tier, (int) y.number(t, tier, top.get("tiers"), "tiers", 0, OperatorShapes.QUEUES.field("tiers").min(), OperatorShapes.QUEUES.field("tiers").max()));
        }
        Map<String, Map<String, Integer>> agentSkills = new LinkedHashMap<>();
        if (top.containsKey("agents")) {
            Set<String> knownSkills = new java.util.TreeSet<>();
            out.values().forEach(q -> knownSkills.addAll(q.skills()));
            for (Node item : y.sequence(top.get("agents"), "agents")) {
                Map<String, Node> m = y.mapping(item, "agent", OperatorShapes.AGENT.keys());
                String username = y.string(m, "username", item, "agent", true);
                if (username == null) continue;
                String what = "agent '" + username + "'";
                if (agentSkills.containsKey(username)) y.error(item, what + " is listed twice");
                Map<String, Integer> levels = new LinkedHashMap<>();
                if (m.containsKey("skills")) {
                    Map<String, Node> sk = y.mapping(m.get("skills"), what + ": skills (skill: level 1-10)", null);
                    for (var e : sk.entrySet()) {
                        if (!knownSkills.contains(e.getKey())) {
                            y.error(e.getValue(), what + ": skill '" + e.getKey() + "' is not needed by any queue" + YamlView.suggest(e.getKey(), knownSkills));
                        }
                        levels.put(e.getKey(), (int) y.number(sk, e.getKey(), m.get("skills"), what + ": skill '" + e.getKey() + "'", 1, OperatorShapes.AGENT.field("skills").min(), OperatorShapes.AGENT.field("skills").max()));
                    }
                } else {
                    y.error(item, what + ": 'skills' is required (skill: level 1-10)");
                }
                agentSkills.put(username, levels);
            }
        }
        return new QueuesFile(out, new Staffing(tiers, agentSkills));
    }

    private static Duration seconds(YamlView y, Map<String, Node> m, String key, Node item, String what) {
        return Duration.ofSeconds((long) y.number(m, OperatorShapes.QUEUE.field(key), item, what));
    }

    /** Loads a queue's music file (8 or 16 kHz, 16-bit PCM WAV; the first channel is used), or reports why not. */
    private static AudioClip music(YamlView y, Map<String, Node> m, Node item, String what, Path dir, Map<String, String> contents) {
        String file = y.string(m, "music", item, what, false);
        if (file == null) return null;
        Path p = dir.resolve(file);
        try {
            var audio = WavReader.read(p);
            short[] pcm = audio.channels()[0];
            if (audio.sampleRateHz() == 16000) pcm = Resampler.downsample16to8(pcm);
            else if (audio.sampleRateHz() != 8000) {
                y.error(m.get("music"), what + ": music '" + file + "' is " + audio.sampleRateHz() + " Hz; use 8000 or 16000 Hz (sox in.wav -r 8000 -c 1 -b 16 out.wav)");
                return null;
            }
            if (pcm.length < 8000) {
                y.error(m.get("music"), what + ": music '" + file + "' is shorter than one second");
                return null;
            }
            contents.put(file, Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis()); // an edit to the file is a new version
            return AudioClip.of("music:" + file, pcm);
        } catch (IOException e) {
            y.error(m.get("music"), what + ": music '" + file + "' cannot be used: " + e.getMessage());
            return null;
        }
    }

    private static Map<String, String> toMap(Set<String> s) {
        Map<String, String> m = new LinkedHashMap<>();
        s.forEach(k -> m.put(k, k));
        return m;
    }

    private static String version(Map<String, String> contents) {
        try {
            var md = MessageDigest.getInstance("SHA-256");
            for (var e : contents.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
