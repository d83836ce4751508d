package foresight.flows.model;

import java.util.List;

/**
 * One flow test from {@code tests/*.yml}: a simulated caller ({@code from}), what they say or press each time the
 * flow listens, and what must have happened after a turn or at the end. {@code file}/{@code line} point at the
 * test for failure messages.
 */
public record FlowTest(String file, int line, String name, String from, String flow, List<TurnStep> turns, Expect expect) {
    public FlowTest {
        turns = List.copyOf(turns);
    }

    /** One thing the caller does when the flow listens. */
    public sealed interface Turn {
        /** Words the caller says (as the recogniser would hand them over). */
        record Say(String text) implements Turn {}

        /** One key pressed. */
        record Press(char key) implements Turn {}
    }

    /** A turn of the test with what must hold when the flow next listens or ends (expect may be null). */
    public record TurnStep(int line, Turn turn, Expect expect) {}

    /** Checks; null fields are not checked. */
    public record Expect(int line, String node, String queue, Boolean hangup, String reason) {}

    public List<Turn> script() { return turns.stream().map(TurnStep::turn).toList(); }
}
