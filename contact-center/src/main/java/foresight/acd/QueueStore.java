package foresight.acd;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The live queue lines and agent reservations: who waits where in which order, and which free agent is offered to
 * whom. {@link InMemoryQueueStore} keeps them in this process (one node, the default); the cluster's store keeps them
 * in PostgreSQL so that every node sees one line per queue ({@code foresight.acd.cluster.PostgresQueueStore}).
 *
 * <p>Contract, for every implementation: a caller waits in at most one line; the line is served by priority (plus one
 * step per aging step waited), then arrival, then entry order; an agent has at most one open offer; an offer that
 * fails puts the caller back in its place. Writes for a caller are made by the node that owns the caller and return
 * false when that node is no longer allowed to (fenced) or the caller is not in the expected state. Thread-safe;
 * calls block for at most one short database transaction.
 */
public interface QueueStore {
    /** An agent reserved for a caller. */
    record Offer(String queue, String callId, long agentId) {}

    /** A caller in a line: owned by {@code node}; {@code agentId} set while an offer is out. */
    record Waiting(String queue, String callId, String node, Long agentId, Duration waited) {}

    /** An agent's availability for offers. */
    enum Availability { AVAILABLE, BUSY, AWAY }

    /** Puts the caller at the end of the queue's line for its priority. False if this node is fenced. */
    boolean enqueue(String queue, String callId, int priority);

    /** Reserves a free member agent for the head of the line, if both exist. Any node may match any caller. */
    Optional<Offer> match(String queue, Duration agingStep);

    /** Offers made for this node's callers that they have not answered or failed yet. */
    List<Offer> pendingOffers();

    /** The offered agent answered: the caller talks, the agent is busy. */
    boolean answered(String callId, long agentId);

    /** The offer failed ({@code result}: no_answer, declined, ...): the agent is free, the caller keeps its place. */
    boolean offerFailed(String callId, long agentId, String result);

    /** The caller left the line for good ({@code outcome}); an open offer closes and its agent is free. */
    boolean left(String callId, String outcome);

    /** The queue's line in serving order (aging not applied): waiting and offered callers. */
    List<Waiting> line(String queue);

    /** Sets the agent's availability; an agent with an open offer stays reserved until it closes. */
    void agentState(long agentId, Availability availability);
}
