package foresight.acd;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /** The agent's level in {@code skill}: from {@code agents:} if listed there, else 1 in each queue they are a member of. */
    public int level(String username, Set<String> memberOf, String skill) {
        Map<String, Integer> levels = agentSkills.get(username);
        if (levels != null) return levels.getOrDefault(skill, 0);
        return memberOf.contains(skill) ? 1 : 0;
    }

    /** The sum of the agent's levels in the queue's skills (the skill-level strategy's ranking). */
    public int level(String username, Set<String> memberOf, QueueDefinition q) {
        int sum = 0;
        for (String skill : q.skills()) sum += level(username, memberOf, skill);
        return sum;
    }

    /** True if the agent has every skill the queue needs. */
    public boolean qualifies(String username, Set<String> memberOf, QueueDefinition q) {
        for (String skill : q.skills()) if (level(username, memberOf, skill) < 1) return false;
        return true;
    }

    /** The agent's skills with levels, for the agent page. */
    public Map<String, Integer> skills(String username, Set<String> memberOf) {
        Map<String, Integer> levels = agentSkills.get(username);
        if (levels != null) return levels;
        Map<String, Integer> out = new TreeMap<>();
        memberOf.forEach(q -> out.put(q, 1));
        return out;
    }
}
