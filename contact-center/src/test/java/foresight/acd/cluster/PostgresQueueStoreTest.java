package foresight.acd.cluster;

import foresight.acd.QueueStore;
import foresight.acd.QueueStoreContract;
import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.agent.AgentRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The cluster's store, one node on a real (embedded) PostgreSQL, against the {@link QueueStoreContract}. */
class PostgresQueueStoreTest extends QueueStoreContract {
    static Database db;
    static ClusterNode node;
    static PostgresQueueStore store;
    static final AtomicInteger agents = new AtomicInteger();

    @BeforeAll
    static void start() {
        db = SharedPostgres.open(4);
        node = new ClusterNode(ClusterTestConfigs.node("contract"), db, new ClusterNode.Events() {});
        node.start();
        store = new PostgresQueueStore(node);
    }

    @AfterAll
    static void stop() {
        node.close();
        db.close();
    }

    @Override
    protected QueueStore store() { return store; }

    @Override
    protected long newAgent(Set<String> queues) {
        return new AgentRepository(db.dsl()).upsert("agent" + agents.incrementAndGet(), "Agent", "foresight", "pw", queues).id();
    }
}
