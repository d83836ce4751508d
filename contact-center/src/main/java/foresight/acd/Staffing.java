package foresight.acd;

import java.util.Map;

/**
 * The contact-center part of {@code queues.yml} beside the queues: customer tiers with their priority (higher is
 * served first) and agents' skills with levels (1 to 10). An agent without an entry here has level 1 in each
 * queue they are a member of (the {@code agent_queues} table).
 */
public record Staffing(Map<String, Integer> tiers, Map<String, Map<String, Integer>> agentSkills) {
    public static final Staffing DEFAULT = new Staffing(Map.of(), Map.of());

    public Staffing {
        tiers = Map.copyOf(tiers);
        agentSkills = Map.copyOf(agentSkills);
    }

    /** The tier's priority; unknown or missing tiers count as 0. */
    public int priority(String tier) { return tier == null ? 0 : tiers.getOrDefault(tier, 0); }
}
