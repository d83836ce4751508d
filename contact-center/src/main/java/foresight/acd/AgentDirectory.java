package foresight.acd;

import foresight.db.agent.Agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Where the ACD finds agents and their phones at start-up, and where it records their state changes. */
public interface AgentDirectory {
    /** Every agent, with the queues they are a member of. */
    List<Agent> all();

    /** Unexpired registrations by agent id: contact URI → expiry. */
    Map<Long, Map<String, Instant>> registrations(Instant now);

    /** Stores a state change with its reason (may be null). Called off the ACD's lock, in order. */
    void stateChanged(long agentId, String state, String reason);

    /** The directory kept in PostgreSQL (agents, agent_queues, registrations, agent_state_changes). */
    static AgentDirectory of(foresight.db.agent.AgentRepository repo) {
        return new AgentDirectory() {
            @Override
            public List<Agent> all() { return repo.all(); }

            @Override
            public Map<Long, Map<String, Instant>> registrations(Instant now) { return repo.registrations(now); }

            @Override
            public void stateChanged(long agentId, String state, String reason) { repo.stateChanged(agentId, state, reason); }
        };
    }
}
