package foresight.flows.load;

import foresight.flows.load.Shape.Field;
import foresight.acd.QueueDefinition;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static foresight.flows.load.Shape.Field.bool;
import static foresight.flows.load.Shape.Field.choice;
import static foresight.flows.load.Shape.Field.list;
import static foresight.flows.load.Shape.Field.node;
import static foresight.flows.load.Shape.Field.nodes;
import static foresight.flows.load.Shape.Field.number;
import static foresight.flows.load.Shape.Field.numberMap;
import static foresight.flows.load.Shape.Field.optionalNumber;
import static foresight.flows.load.Shape.Field.scalar;
import static foresight.flows.load.Shape.Field.scalarOrObject;
import static foresight.flows.load.Shape.Field.text;
import static foresight.flows.load.Shape.Field.textMap;
import static foresight.flows.load.Shape.Field.texts;

/**
 * The one description of every operator file's keys: {@link OperatorFiles} checks files against it and
 * {@link OperatorSchemas} turns it into JSON Schemas for editors.
 */
public final class OperatorShapes {
    private OperatorShapes() {}

    private static final Field TIMEOUT = number("timeout_seconds", 1, 120, 6, "Seconds of silence after the question before it counts as no answer.");

    /** Node type → its keys; the type's own key (e.g. {@code say}) is one of them. */
    public static final Map<String, Shape> STEPS = steps(
            Shape.of("say", "Plays a sentence (a template) and continues.",
                    text("say", "What the caller hears; {{customer.first_name}}, {{prediction.phrase}}, {{reason}} and variables are filled in.").mandatory(),
                    node("next", "The node that runs next.").mandatory()),
            Shape.of("predict_issue", "Waits for the history-based prediction of why the caller is calling.",
                    scalarOrObject("predict_issue", Shape.of("predict_issue options", "Options of the prediction.",
                            number("min_confidence", 0, 1, 0.5, "The prediction counts as found at this confidence or more.")), "true, or options.").mandatory(),
                    number("min_confidence", 0, 1, 0.5, "The prediction counts as found at this confidence or more."),
                    node("found", "Where a confident prediction goes (usually a confirm node).").mandatory(),
                    node("none", "Where the call goes without a confident prediction.").mandatory()),
            Shape.of("confirm", "Asks a yes/no question by voice or keys (1 = yes, 2 = no).",
                    text("confirm", "The question (a template).").mandatory(),
                    node("yes", "Where yes goes; the predicted reason becomes the call's reason.").mandatory(),
                    node("no", "Where no goes.").mandatory(),
                    node("unclear", "Where an unclear answer or silence goes (default: the 'no' node)."),
                    TIMEOUT),
            Shape.of("ask", "An open question; the answer is classified into a reason from reasons.yml.",
                    text("ask", "The question (a template).").mandatory(),
                    node("matched", "Where a recognised reason goes (the variable 'reason' is set).").mandatory(),
                    node("nomatch", "Where an unrecognised answer or silence goes.").mandatory(),
                    TIMEOUT,
                    number("min_confidence", 0, 1, 0.5, "The classifier's answer counts at this probability or more; below it, keywords decide.")),
            Shape.of("menu", "A key-press menu (keys or the digit said aloud).",
                    text("menu", "The menu prompt (a template).").mandatory(),
                    textMap("options", "^[0-9*#]$", "Key (0-9, * or #) → node.").mandatory(),
                    number("retries", 0, 10, 2, "How many more times the menu is played after a miss."),
                    node("fallback", "Where the call goes after the last miss.").mandatory(),
                    TIMEOUT),
            Shape.of("set", "Sets call variables (templates allowed) and continues.",
                    textMap("set", null, "Variable → value; 'reason' must be a reason id from reasons.yml.").mandatory(),
                    node("next", "The node that runs next.").mandatory()),
            Shape.of("switch", "Branches on a call variable.",
                    text("switch", "The variable, e.g. reason.").mandatory(),
                    textMap("cases", null, "Value → node."),
                    node("default", "Where any other value goes.").mandatory()),
            Shape.of("queue", "Waits in a queue from queues.yml for an agent.",
                    text("queue", "The queue's name.").mandatory(),
                    node("next", "Runs only if nobody answered within the queue's max wait (and it has no overflow).").mandatory()),
            Shape.of("transfer", "Connects the caller to an outside number (over a trunk from trunks.yml) or a SIP URI.",
                    text("transfer", "Where to: a phone number (+44 20 7946 0018, 020 7946 0018), a sip: URI, or a template such as {{customer.phone}}.").mandatory(),
                    number("ring_seconds", 5, 120, 30, "How long it rings before the transfer counts as not answered."),
                    node("next", "Where the call goes if the transfer is not answered, busy, refused, or no trunk can take it.").mandatory()),
            Shape.of("hangup", "Ends the call.",
                    scalar("hangup", "true").mandatory()),
            Shape.of("record", "Pauses or resumes the call's recording, e.g. around card details.",
                    choice("record", List.of("pause", "resume"), "pause or resume").mandatory(),
                    node("next", "The node that runs next.").mandatory()));

    /** {@code flows/*.yml}. */
    public static final Shape FLOW = Shape.of("flow", "An IVR flow: named nodes, starting at 'start'.",
            text("flow", "The flow's name (unique in the folder).").mandatory(),
            node("start", "The first node.").mandatory(),
            nodes("nodes", "Node id → node; each node has exactly one type key: " + String.join(", ", STEPS.keySet()) + ".").mandatory(),
            number("answer_after_seconds", 0, 30, 0, "The caller hears ringing this long before the flow answers (lookup and prediction run meanwhile)."));

    static final Shape QUEUE = Shape.of("queue", "One agent queue.",
            text("name", "The queue's name, used by queue nodes and transfers.").mandatory(),
            number("max_wait_seconds", 5, 3600, 120, "Longest wait before overflow or the flow's next node."),
            number("ring_timeout_seconds", 3, 120, 20, "How long an agent's phone rings before the next agent is tried."),
            text("announcement", "What callers hear on entering the queue."),
            text("music", "A WAV file (8 or 16 kHz, 16-bit PCM) relative to this folder, looped while waiting."),
            scalar("extension", "1 to 15 digits an agent can blind-transfer a caller to."),
            texts("skills", "Skills an agent needs, all of them (default: the queue's name)."),
            choice("strategy", Arrays.stream(QueueDefinition.Strategy.values()).map(QueueDefinition.Strategy::yamlName).toList(),
                    "How the agent is picked among those free and skilled."),
            number("wrap_up_seconds", 0, 600, 0, "Wrap-up time after each call."),
            number("aging_seconds", 0, 3600, 0, "Every this long a waiting caller rises one tier step; 0: never."),
            number("announce_every_seconds", 0, 600, 0, "Position and estimated wait are announced this often; 0: never, else at least 10."),
            text("overflow", "After max wait: another queue's name, or 'callback'."),
            scalar("callback_key", "The key (0-9, * or #) a waiting caller presses to be called back."),
            number("service_level_seconds", 1, 3600, 20, "Calls answered within this count toward the service level."),
            number("service_level_goal", 0, 1, 0.8, "Share of calls to answer within service_level_seconds."),
            number("alert_wait_seconds", 1, 3600, 120, "A caller waiting longer raises the long-wait alert."),
            number("handle_seconds", 10, 7200, 180, "Handle time assumed for wait estimates until the queue has answered calls."));

    static final Shape AGENT = Shape.of("agent", "An agent's skills with levels.",
            scalar("username", "The agent's SIP username.").mandatory(),
            numberMap("skills", 1, 10, "Skill → level 1-10.").mandatory());

    /** {@code queues.yml}. */
    public static final Shape QUEUES = Shape.of("queues", "Agent queues, customer tiers and agents' skills.",
            list("queues", QUEUE, "The queues.").mandatory(),
            numberMap("tiers", -100, 100, "Customer tier → priority (higher is served first)."),
            list("agents", AGENT, "Agents' skills with levels."));

    static final Shape LIKELY_WHEN = Shape.of("likely_when", "A history event that makes the reason likely.",
            text("event", "The event type, e.g. refund_requested.").mandatory(),
            text("status", "Only events with this status."),
            number("within_days", 1, 3650, 30, "Only events this recent."),
            number("weight", 0.01, 1, 0.8, "How strongly the event suggests the reason."));

    static final Shape REASON = Shape.of("reason", "One call reason.",
            text("id", "The reason's id, used by flows, tests and answers.").mandatory(),
            text("label", "A readable name."),
            text("confirm", "The confirmation question; {{event.<attribute>}} comes from the triggering history event."),
            texts("keywords", "Words that mean this reason when the caller says them."),
            texts("examples", "Typical phrasings."),
            list("likely_when", LIKELY_WHEN, "History events that make this reason likely."),
            texts("intents", "Categories of the utterances file that mean this reason; \"*\" takes all the others."));

    /** {@code reasons.yml}. */
    public static final Shape REASONS = Shape.of("reasons", "The catalogue of call reasons.",
            list("reasons", REASON, "The reasons.").mandatory(),
            text("utterances", "A CSV file (columns text,category) of labelled sentences the ask node's classifier learns from."));

    static final Shape QA_CATEGORY = Shape.of("category", "What to find in a transcript.",
            text("name", "The category's name.").mandatory(),
            choice("channel", List.of("caller", "agent", "any"), "Whose words are searched."),
            texts("phrases", "Words said in a row, case ignored."),
            optionalNumber("within_seconds", 1, 3600, "Only count it in the first N seconds after the agent answered."),
            bool("required", "The agent must say it; missing it costs its points."),
            number("points", -100, 100, 0, "Added once per call when hit (negative for bad things)."),
            optionalNumber("silence_seconds", 1, 600, "Dead air: nobody speaks this long after the agent answered."),
            optionalNumber("overtalk_seconds", 0.5, 600, "Caller and agent speak at once this long."));

    /** {@code qa-rules.yml}. */
    public static final Shape QA_RULES = Shape.of("qa-rules", "QA rules applied to every transcript.",
            list("categories", QA_CATEGORY, "What to find."),
            bool("redact", "Replace card numbers, phone numbers, e-mails and digit runs in transcripts and recordings."),
            number("review_sample_rate", 0, 1, 0, "Share of calls that reached an agent drawn into the review queue."),
            number("review_min_per_agent_per_day", 0, 1000, 0, "Every agent gets at least this many calls a day in the review queue."));

    static final Shape ANSWER = Shape.of("answer", "A suggested answer for agents.",
            text("title", "Shown on the agent's screen-pop.").mandatory(),
            texts("reasons", "Reason ids from reasons.yml."),
            texts("keywords", "Words or phrases the caller may say."),
            text("text", "What to tell the customer.").mandatory());

    /** {@code answers.yml}. */
    public static final Shape ANSWERS = Shape.of("answers", "Suggested answers for agents.",
            list("answers", ANSWER, "The answers.").mandatory());

    static final Shape TRUNK = Shape.of("trunk", "An outbound trunk to a carrier.",
            text("name", "The trunk's name, used by routes and 'default'.").mandatory(),
            text("uri", "Where calls go: sip:host[:port][;transport=udp|tcp|tls]; the dialled number becomes the user part.").mandatory(),
            text("username", "Digest username for the carrier's 401/407 challenge (empty: none)."),
            text("password", "Digest password (keep this file out of shared repositories)."),
            scalar("caller_id", "The number sent in From and P-Asserted-Identity (default: the callback's or caller's)."),
            number("max_channels", 1, 100000, 10, "Calls over this trunk at once; the next one is refused here."));

    static final Shape ROUTE = Shape.of("route", "Numbers starting with a prefix go to a trunk; the longest prefix wins.",
            scalar("prefix", "'+' and digits in E.164 form, e.g. +44 or +1800; '+' alone matches every number.").mandatory(),
            text("trunk", "The trunk's name.").mandatory());

    /** {@code trunks.yml}. */
    public static final Shape TRUNKS = Shape.of("trunks", "Outbound trunks for callbacks and transfers to phone numbers.",
            scalar("country_code", "The country code national numbers get before routing (1, 44, 49); default 1."),
            text("default", "The trunk for numbers no route matches (default: the only trunk, if there is one)."),
            list("trunks", TRUNK, "The trunks.").mandatory(),
            list("routes", ROUTE, "Dial rules by number prefix."));

    static final Shape EXPECT = Shape.of("expect", "What must have happened; every key given is checked.",
            text("node", "A node the call passed through (since the previous turn, for a turn's expect)."),
            text("queue", "The call ended waiting in this queue."),
            bool("hangup", "The call ended by a hangup node (true) or did not (false)."),
            text("reason", "The call's reason variable."));

    static final Shape TURN = Shape.of("turn", "What the caller does when the flow next listens: say words or press one key.",
            text("say", "Words the caller says (classified like a recognised utterance)."),
            scalar("press", "One key: 0-9, * or #."),
            Field.object("expect", EXPECT, "Checked when the flow next listens after this turn, or ends."));

    static final Shape TEST = Shape.of("test", "One simulated call.",
            text("name", "What the test shows.").mandatory(),
            scalar("from", "The caller's number (the demo customers: +15550100 to +15550102; anything else is unknown).").mandatory(),
            text("flow", "The flow to run (default: the entry flow)."),
            list("turns", TURN, "The caller's turns, in order; when they run out the caller stays silent."),
            Field.object("expect", EXPECT, "Checked when the call has ended."));

    /** {@code tests/*.yml}: flow tests. */
    public static final Shape FLOW_TESTS = Shape.of("flow-tests", "Flow tests: simulated callers and what must happen.",
            list("tests", TEST, "The tests.").mandatory());

    /** Schema file name → the shape of the file it describes. */
    public static final Map<String, Shape> FILES = files();

    private static Map<String, Shape> steps(Shape... shapes) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Shape s : shapes) out.put(s.name(), s);
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Map<String, Shape> files() {
        Map<String, Shape> out = new LinkedHashMap<>();
        out.put("flow", FLOW);
        out.put("queues", QUEUES);
        out.put("reasons", REASONS);
        out.put("qa-rules", QA_RULES);
        out.put("answers", ANSWERS);
        out.put("trunks", TRUNKS);
        out.put("flow-tests", FLOW_TESTS);
        return java.util.Collections.unmodifiableMap(out);
    }
}
