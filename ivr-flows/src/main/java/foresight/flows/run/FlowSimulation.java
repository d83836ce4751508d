package foresight.flows.run;

import foresight.db.customer.Customer;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest.Turn;
import foresight.acd.QueueDefinition;
import foresight.flows.model.Step;
import foresight.speech.intent.IntentMatcher;
import foresight.speech.intent.YesNo;
import foresight.speech.predict.Prediction;
import foresight.speech.template.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs a flow as a caller would experience it, without SIP, audio or a database: prompts as text (rendered from
 * the same templates and customer values as a live call), scripted answers read by the same {@link Understanding}
 * as a live call, and the path and end of the call. A listening node ({@code confirm}, {@code ask}, each try of a
 * {@code menu}) takes the next turn; when the turns run out the caller stays silent (the node times out). A queue
 * ends the simulated call (it waits there for an agent). Runs on the calling thread; one instance per run.
 */
public final class FlowSimulation {
    private static final int MAX_STEPS = 200;

    /** Who is calling, as the lookup at INVITE time would find them. */
    public record Caller(String number, Optional<Customer> customer, Optional<Prediction> prediction) {}

    /** How the simulated call ended. */
    public enum End { QUEUE, HANGUP, LOOP, TRANSFER }

    /** Where the call ended: the queue and the skills an agent needs, or the hang-up node. */
    public record Outcome(End end, String node, String queue, List<String> skills) {
        public String describe() {
            return switch (end) {
                case QUEUE -> "queue " + queue + " (agent skills: " + String.join(", ", skills) + ")";
                case HANGUP -> "hang-up at " + node;
                case TRANSFER -> "transfer at " + node + " to " + queue;
                case LOOP -> "stopped after " + MAX_STEPS + " nodes at " + node + " (the flow loops)";
            };
        }
    }

    /**
     * What happened after turn {@code turn} (0: before the first turn) until the flow next listened or ended:
     * the nodes passed (including the one that listened next), the reason variable then, and the end if it ended.
     */
    public record Segment(int turn, List<String> nodes, String reason, Outcome ended) {}

    /** The whole simulated call. */
    public record Result(List<String> path, List<Segment> segments, Outcome outcome, String reason) {}

    private final FlowSet set;
    private final Flow flow;
    private final List<Turn> turns;
    private final Consumer<String> out;
    private final CallContext ctx;
    private final List<String> path = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private List<String> current = new ArrayList<>();
    private int nextTurn;

    /** {@code out} receives one line per thing the caller hears or does; pass {@code s -> {}} to keep quiet. */
    public FlowSimulation(FlowSet set, Flow flow, Caller caller, List<Turn> turns, Consumer<String> out) {
        this.set = set;
        this.flow = flow;
        this.turns = List.copyOf(turns);
        this.out = out;
        this.ctx = new CallContext("simulated", set, flow,
                CompletableFuture.completedFuture(new CallContext.Lookup(caller.customer(), caller.prediction())));
    }

    /** Runs the flow to its end. */
    public Result run() {
        String next = flow.start();
        Outcome outcome = null;
        for (int n = 0; next != null && outcome == null; n++) {
            Step step = flow.step(next);
            if (n >= MAX_STEPS) {
                outcome = new Outcome(End.LOOP, step.id(), null, List.of());
                break;
            }
            path.add(step.id());
            current.add(step.id());
            next = switch (step) {
                case Step.Say say -> {
                    line(step, "say", "\"" + render(say.text()) + "\"");
                    yield say.next();
                }
                case Step.PredictIssue p -> predict(p);
                case Step.Confirm c -> confirm(c);
                case Step.Ask a -> ask(a);
                case Step.Menu m -> menu(m);
                case Step.SetVars sv -> {
                    sv.values().forEach((k, v) -> ctx.vars.put(k, Template.render(v, ctx.templateValues())));
                    line(step, "set", String.join(", ", sv.values().keySet().stream().map(k -> k + " = " + ctx.vars.get(k)).toList()));
                    yield sv.next();
                }
                case Step.Switch sw -> {
                    String value = String.valueOf(ctx.vars.get(sw.variable()));
                    String to = sw.cases().getOrDefault(value, sw.otherwise());
                    line(step, "switch", sw.variable() + " = " + value + " → " + to);
                    yield to;
                }
                case Step.Queue q -> {
                    QueueDefinition def = set.queues().get(q.queue());
                    ctx.vars.put("queue", def.name());
                    line(step, "queue", def.name() + ": \"" + render(def.announcement() != null ? def.announcement()
                            : "Please hold while we connect you to an agent.") + "\" then waits for an agent with skills " + def.skills());
                    outcome = new Outcome(End.QUEUE, step.id(), def.name(), def.skills());
                    yield null;
                }
                case Step.Transfer t -> {
                    line(step, "transfer", "dials " + render(t.to()) + " (a phone number goes out over a trunk from trunks.yml); "
                            + "not answered goes on to " + t.next());
                    outcome = new Outcome(End.TRANSFER, step.id(), render(t.to()), List.of());
                    yield null;
                }
                case Step.Hangup h -> {
                    line(step, "hangup", "");
                    outcome = new Outcome(End.HANGUP, step.id(), null, List.of());
                    yield null;
                }
                case Step.Record r -> {
                    line(step, "record", r.pause() ? "pause" : "resume");
                    yield r.next();
                }
            };
            if (next == null && outcome == null) outcome = new Outcome(End.HANGUP, step.id(), null, List.of());
        }
        segments.add(new Segment(segments.size(), List.copyOf(current), ctx.vars.get("reason"), outcome));
        out.accept("path: " + String.join(" → ", path));
        out.accept("end: " + outcome.describe() + (ctx.vars.containsKey("reason") ? ", reason " + ctx.vars.get("reason") : ""));
        if (nextTurn < turns.size()) out.accept("note: " + (turns.size() - nextTurn) + " turn(s) were not used (the call ended first)");
        return new Result(List.copyOf(path), List.copyOf(segments), outcome, ctx.vars.get("reason"));
    }

    /** Number of scripted turns the flow took. */
    public int turnsUsed() { return nextTurn; }

    private String predict(Step.PredictIssue p) {
        Optional<Prediction> pr = ctx.lookup.join().prediction();
        if (pr.isEmpty()) {
            line(p, "predict_issue", "no prediction → " + p.none());
            return p.none();
        }
        boolean found = pr.get().confidence() >= p.minConfidence();
        String to = found ? p.found() : p.none();
        line(p, "predict_issue", String.format("%s, confidence %.2f %s %.2f → %s", pr.get().reasonId(), pr.get().confidence(), found ? ">=" : "<",
                p.minConfidence(), to));
        return to;
    }

    private String confirm(Step.Confirm c) {
        line(c, "confirm", "\"" + render(c.text()) + "\"");
        Turn t = listen(c);
        YesNo.Answer a = Understanding.yesNo(said(t), pressed(t));
        String to = switch (a) {
            case YES -> {
                ctx.lookup.join().prediction().ifPresent(p -> ctx.vars.put("reason", p.reasonId()));
                yield c.yes();
            }
            case NO -> c.no();
            case UNCLEAR -> c.unclear();
        };
        heard(t, a.name().toLowerCase() + " → " + to);
        return to;
    }

    private String ask(Step.Ask a) {
        line(a, "ask", "\"" + render(a.text()) + "\"");
        Turn t = listen(a);
        Understanding.ReasonHeard r = Understanding.reason(set, said(t), a.minConfidence());
        if (r.match().isEmpty()) {
            heard(t, "no reason → " + a.nomatch());
            return a.nomatch();
        }
        IntentMatcher.Match m = r.match().get();
        ctx.vars.put("reason", m.reasonId());
        heard(t, String.format("reason %s (%s, score %.2f) → %s", m.reasonId(), r.method(), m.score(), a.matched()));
        return a.matched();
    }

    private String menu(Step.Menu m) {
        String text = render(m.text());
        for (int attempt = 0; attempt <= m.retries(); attempt++) {
            line(m, "menu", "\"" + text + "\"" + (attempt > 0 ? " (try " + (attempt + 1) + ")" : ""));
            Turn t = listen(m);
            char d = Understanding.menuKey(said(t), pressed(t));
            String key = String.valueOf(d);
            if (d != 0 && m.options().containsKey(key)) {
                heard(t, "key " + key + " → " + m.options().get(key));
                return m.options().get(key);
            }
            heard(t, d == 0 ? "no key" : "key " + key + " is not an option");
        }
        out.accept("    after " + (m.retries() + 1) + " tries → " + m.fallback());
        return m.fallback();
    }

    /** The next scripted turn, or null (silence). Closes the current segment: the flow is listening. */
    private Turn listen(Step at) {
        if (current.isEmpty() || !current.getLast().equals(at.id())) current.add(at.id());
        segments.add(new Segment(segments.size(), List.copyOf(current), ctx.vars.get("reason"), null));
        current = new ArrayList<>();
        return nextTurn < turns.size() ? turns.get(nextTurn++) : null;
    }

    private static String said(Turn t) { return t instanceof Turn.Say s ? s.text() : ""; }

    private static char pressed(Turn t) { return t instanceof Turn.Press p ? p.key() : 0; }

    private void heard(Turn t, String meaning) {
        String what = switch (t) {
            case null -> "caller is silent (timeout)";
            case Turn.Say s -> "caller says \"" + s.text() + "\"";
            case Turn.Press p -> "caller presses " + p.key();
        };
        out.accept("    " + what + " → " + meaning);
    }

    private String render(String template) { return Template.render(template, ctx.templateValues()); }

    private void line(Step step, String type, String text) {
        out.accept(String.format("[%s] %s %s", step.id(), type, text).stripTrailing());
    }
}
