package foresight.flows.model;

import java.util.Map;

/** A parsed, validated flow: its nodes by id and the node it starts at. */
public record Flow(String name, String file, String start, Map<String, Step> steps) {
    public Flow {
        steps = Map.copyOf(steps);
    }

    public Step step(String id) {
        Step s = steps.get(id);
        if (s == null) throw new IllegalStateException("flow " + name + " has no node " + id + " (validation should have caught this)");
        return s;
    }
}
