package foresight.acd.cluster;

import foresight.acd.QueueStore;
import foresight.db.cluster.ClusterRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The cluster's {@link QueueStore}: one line per queue for every node, in PostgreSQL, ordered by the database's
 * clock. This node's writes carry its node id and current epoch, so they are refused once the cluster has declared it
 * dead. Thread-safe; each call is one short transaction.
 */
public final class PostgresQueueStore implements QueueStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresQueueStore.class);
    private final ClusterRepository repo;
    private final ClusterNode node;

    /** The store of {@code node}'s cluster; the node must be started before the first write. */
    public PostgresQueueStore(ClusterNode node) {
        this.repo = node.repository();
        this.node = node;
    }

    @Override
    public boolean enqueue(String queue, String callId, int priority) { return repo.enqueue(node.nodeId(), node.epoch(), queue, callId, priority); }

    @Override
    public Optional<Offer> match(String queue, Duration agingStep) {
        return repo.match(queue, agingStep).map(m -> new Offer(m.queue(), m.callId(), m.agentId()));
    }

    @Override
    public List<Offer> pendingOffers() {
        return repo.pendingOffers(node.nodeId(), node.epoch()).stream().map(m -> new Offer(m.queue(), m.callId(), m.agentId())).toList();
    }

    @Override
    public boolean answered(String callId, long agentId) { return repo.answered(node.nodeId(), node.epoch(), callId, agentId); }

    @Override
    public boolean offerFailed(String callId, long agentId, String result) {
        return repo.offerFailed(node.nodeId(), node.epoch(), callId, agentId, result);
    }

    @Override
    public boolean left(String callId, String outcome) { return repo.left(node.nodeId(), node.epoch(), callId, outcome); }

    @Override
    public List<Waiting> line(String queue) {
        return repo.line(queue).stream().map(w -> new Waiting(w.queue(), w.callId(), w.ownerNode(), w.agentId(), w.waited())).toList();
    }

    /** Fenced like the owner's writes: a node declared dead cannot change an agent's availability (logged, nothing written). */
    @Override
    public void agentState(long agentId, Availability availability) {
        if (!repo.agentState(node.nodeId(), node.epoch(), agentId, availability.name().toLowerCase(Locale.ROOT))) {
            log.warn("event=shared_agent_state_refused node={} epoch={} agent_id={} state={} reason=fenced", node.nodeId(), node.epoch(), agentId, availability);
        }
    }
}
