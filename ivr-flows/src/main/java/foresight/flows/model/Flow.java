package foresight.flows.model;

import java.util.Map;

/**
 * A parsed, validated flow: its nodes by id, the node it starts at, and how long the caller hears ringing before
 * the flow answers ({@code answer_after_seconds}; the customer lookup and prediction run meanwhile).
 */
public record Flow(String name, String file, String start, Map<String, Step> steps, java.time.Duration answerAfter) {
    public Flow {
        steps = Map.copyOf(steps);
    }

    public Step step(String id) {
        Step s = steps.get(id);
        if (s == null) throw new IllegalStateException("flow " + name + " has no node " + id + " (validation should have caught this)");
        return s;
    }
}
