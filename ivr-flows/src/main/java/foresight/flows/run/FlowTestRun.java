package foresight.flows.run;

import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest;
import foresight.flows.model.FlowTest.Turn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs flow tests through {@link FlowSimulation} and says, for each, whether every expectation held; a failure
 * names the turn (and its line) and what happened instead. Runs on the calling thread.
 */
public final class FlowTestRun {
    /** One test's result; {@code failure} is null when it passed. */
    public record Verdict(FlowTest test, String failure) {
        public boolean passed() { return failure == null; }

        /** "PASS name" or "FAIL name — file:line: turn 2 (say "no"): expected ..., got ...". */
        public String line() { return (passed() ? "PASS " : "FAIL ") + test.name() + (passed() ? "" : " — " + failure); }
    }

    private FlowTestRun() {}

    /** Runs every test; {@code callers} finds the customer and prediction for a test's {@code from} number. */
    public static List<Verdict> run(FlowSet set, List<FlowTest> tests, Function<String, FlowSimulation.Caller> callers) {
        List<Verdict> out = new ArrayList<>();
        for (FlowTest t : tests) out.add(run(set, t, callers.apply(t.from())));
        return out;
    }

    static Verdict run(FlowSet set, FlowTest t, FlowSimulation.Caller caller) {
        var result = new FlowSimulation(set, set.flows().get(t.flow()), caller, t.script(), line -> {}).run();
        for (int i = 0; i < t.turns().size(); i++) {
            FlowTest.TurnStep step = t.turns().get(i);
            String where = t.file() + ":" + step.line() + ": turn " + (i + 1) + " (" + describe(step.turn()) + ")";
            if (i + 1 >= result.segments().size()) {
                return new Verdict(t, where + ": the flow never listened for it; the call ended: " + result.outcome().describe()
                        + " (path " + String.join(" → ", result.path()) + ")");
            }
            if (step.expect() == null) continue;
            FlowSimulation.Segment seg = result.segments().get(i + 1);
            String miss = check(step.expect(), seg.nodes(), seg.ended(), seg.reason());
            if (miss != null) return new Verdict(t, where + ": " + miss + "; got " + happened(seg));
        }
        if (t.expect() != null) {
            String miss = check(t.expect(), result.path(), result.outcome(), result.reason());
            if (miss != null) {
                return new Verdict(t, t.file() + ":" + t.expect().line() + ": at the end: " + miss + "; got " + result.outcome().describe()
                        + (result.reason() == null ? "" : ", reason " + result.reason()) + " (path " + String.join(" → ", result.path()) + ")");
            }
        }
        return new Verdict(t, null);
    }

    /** The first expectation that does not hold, or null. */
    private static String check(FlowTest.Expect e, List<String> nodes, FlowSimulation.Outcome ended, String reason) {
        if (e.node() != null && !nodes.contains(e.node())) return "expected node " + e.node();
        if (e.queue() != null && (ended == null || ended.end() != FlowSimulation.End.QUEUE || !e.queue().equals(ended.queue()))) {
            return "expected queue " + e.queue();
        }
        if (e.hangup() != null) {
            boolean hungUp = ended != null && ended.end() == FlowSimulation.End.HANGUP;
            if (hungUp != e.hangup()) return e.hangup() ? "expected a hang-up" : "expected no hang-up";
        }
        if (e.reason() != null && !e.reason().equals(reason)) return "expected reason " + e.reason();
        return null;
    }

    private static String happened(FlowSimulation.Segment seg) {
        String nodes = String.join(" → ", seg.nodes());
        String end = seg.ended() != null ? "then the call ended: " + seg.ended().describe() : "then the flow listened at " + seg.nodes().getLast();
        return (nodes.isEmpty() ? "" : nodes + ", ") + end + ", reason " + (seg.reason() == null ? "not set" : seg.reason());
    }

    private static String describe(Turn t) {
        return switch (t) {
            case Turn.Say s -> "say \"" + s.text() + "\"";
            case Turn.Press p -> "press " + p.key();
        };
    }
}
