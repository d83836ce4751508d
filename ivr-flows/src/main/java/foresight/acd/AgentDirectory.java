package foresight.acd;

import foresight.db.agent.Agent;

import java.time.Instant;
import java.util.List;

/** Where the ACD finds agents and their phones, and records their state changes. */
public interface AgentDirectory {
    /** Agents who belong to {@code queue}. */
    List<Agent> members(String queue);

    /** The agent's registered, unexpired SIP contacts, most recently refreshed first. */
    List<String> contacts(long agentId, Instant now);

    void stateChanged(long agentId, String state);

    /** The directory kept in PostgreSQL (agents, agent_queues, registrations). */
    static AgentDirectory of(foresight.db.agent.AgentRepository repo) {
        return new AgentDirectory() {
            @Override
            public List<Agent> members(String queue) { return repo.all().stream().filter(a -> a.queues().contains(queue)).toList(); }

            @Override
            public List<String> contacts(long agentId, Instant now) { return repo.contacts(agentId, now); }

            @Override
            public void stateChanged(long agentId, String state) { repo.stateChanged(agentId, state); }
        };
    }
}
