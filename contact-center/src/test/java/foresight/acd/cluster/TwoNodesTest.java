package foresight.acd.cluster;

import foresight.acd.QueueStore.Availability;
import foresight.acd.QueueStore.Offer;
import foresight.acd.QueueStore.Waiting;
import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.agent.AgentRepository;
import foresight.db.cluster.ClusterRepository;
import foresight.db.cluster.ClusterRepository.Reclaimed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two nodes sharing one real (embedded) PostgreSQL: one line per queue, no double offers, a dead node's rows reclaimed. */
class TwoNodesTest {
    static Database db;
    static ClusterRepository repo;
    static final AtomicInteger names = new AtomicInteger();
    final List<ClusterNode> started = new ArrayList<>();

    @BeforeAll
    static void startDatabase() {
        db = SharedPostgres.open(16);
        repo = new ClusterRepository(db.dsl());
    }

    @AfterAll
    static void stopDatabase() { db.close(); }

    @AfterEach
    void stopNodes() { started.forEach(ClusterNode::close); }

    /** Records what a node hears. */
    static final class Heard implements ClusterNode.Events {
        final List<String> offered = new CopyOnWriteArrayList<>();
        final AtomicInteger resyncs = new AtomicInteger();
        final AtomicInteger changes = new AtomicInteger();
        final List<Reclaimed> reclaimed = new CopyOnWriteArrayList<>();

        @Override public void offered(String callId) { offered.add(callId); }
        @Override public void changed() { changes.incrementAndGet(); }
        @Override public void resync() { resyncs.incrementAndGet(); }
        @Override public void reclaimed(Reclaimed what) { reclaimed.add(what); }
    }

    private ClusterNode node(String id, Heard heard) {
        var n = new ClusterNode(ClusterTestConfigs.node(id + "-" + names.incrementAndGet()), db, heard);
        n.start();
        started.add(n);
        return n;
    }

    private static String queue() { return "line" + names.incrementAndGet(); }

    private static long agent(Set<String> queues) {
        long id = new AgentRepository(db.dsl()).upsert("tn-agent" + names.incrementAndGet(), "Agent", "foresight", "pw", queues).id();
        repo.agentState(id, "available");
        return id;
    }

    @Test
    void callersFromBothNodesAreServedInTheOrderTheDatabaseReceivedThem() {
        var a = new PostgresQueueStore(node("a", new Heard()));
        var b = new PostgresQueueStore(node("b", new Heard()));
        String q = queue();
        long agent = agent(Set.of(q));
        List<String> arrived = new ArrayList<>();
        Map<String, PostgresQueueStore> owner = new ConcurrentHashMap<>();
        for (int i = 0; i < 12; i++) {
            var s = (i % 3 == 0) ? b : a; // uneven interleaving: a, a, b, a, a, b ...
            String call = q + "-" + i;
            s.enqueue(q, call, 0);
            arrived.add(call);
            owner.put(call, s);
        }
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var matcher = (i % 2 == 0) ? a : b; // either node matches any node's caller
            Offer o = matcher.match(q, Duration.ZERO).orElseThrow();
            served.add(o.callId());
            assertThat(owner.get(o.callId()).left(o.callId(), "answered")).as("the owner ends its caller's wait").isTrue();
        }
        assertThat(served).isEqualTo(arrived);
        assertThat(repo.line(q)).isEmpty();
        assertThat(agent).isPositive();
    }

    @Test
    void twoNodesMatchingConcurrentlyNeverOfferOneAgentTwice() throws Exception {
        var a = new PostgresQueueStore(node("a", new Heard()));
        var b = new PostgresQueueStore(node("b", new Heard()));
        String q1 = queue();
        String q2 = queue();
        List<Long> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) agents.add(agent(Set.of(q1, q2))); // members of both: two queue locks race for them
        agents.add(agent(Set.of(q1)));
        int callers = 300;
        Map<String, PostgresQueueStore> owner = new ConcurrentHashMap<>();
        for (int i = 0; i < callers; i++) {
            var s = i % 2 == 0 ? a : b;
            String call = "race-" + names.incrementAndGet();
            s.enqueue(i % 3 == 0 ? q2 : q1, call, 0);
            owner.put(call, s);
        }
        Set<Long> ringing = ConcurrentHashMap.newKeySet();          // agents with an offer the test has not closed yet
        List<String> doubleOffers = new CopyOnWriteArrayList<>();
        Map<String, Integer> offersPerCall = new ConcurrentHashMap<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger served = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            var matcher = t % 2 == 0 ? a : b;
            threads.add(Thread.ofPlatform().name("matcher-" + t).start(() -> {
                try {
                    while (served.get() < callers) {
                        String q = ThreadLocalRandom.current().nextBoolean() ? q1 : q2;
                        var offer = matcher.match(q, Duration.ZERO);
                        if (offer.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        Offer o = offer.get();
                        if (!ringing.add(o.agentId())) doubleOffers.add("agent " + o.agentId() + " offered " + o.callId() + " while ringing");
                        offersPerCall.merge(o.callId(), 1, Integer::sum);
                        var own = owner.get(o.callId());
                        if (ThreadLocalRandom.current().nextInt(4) == 0) { // some offers fail: the caller is matched again later
                            ringing.remove(o.agentId());
                            assertThat(own.offerFailed(o.callId(), o.agentId(), "no_answer")).isTrue();
                            offersPerCall.merge(o.callId(), -1, Integer::sum);
                            continue;
                        }
                        assertThat(own.answered(o.callId(), o.agentId())).isTrue();
                        ringing.remove(o.agentId()); // before the release commits: a later offer of this agent is legal
                        assertThat(own.left(o.callId(), "answered")).isTrue();
                        served.incrementAndGet();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                    served.set(callers);
                }
            }));
        }
        for (Thread t : threads) t.join(Duration.ofMinutes(2));
        assertThat(errors).isEmpty();
        assertThat(doubleOffers).isEmpty();
        assertThat(served.get()).isEqualTo(callers);
        assertThat(offersPerCall).hasSize(callers).allSatisfy((call, n) -> assertThat(n).as(call).isEqualTo(1));
        assertThat(db.dsl().fetchSingle("select count(*) from cluster_offers where state = 'open'").get(0, Long.class)).isZero();
    }

    @Test
    void theDatabaseRefusesASecondOpenOfferToOneAgent() {
        String q = queue();
        long agent = agent(Set.of(q));
        db.dsl().execute("insert into cluster_offers(agent_id, call_id, queue, owner_node, epoch) values (?, 'one', ?, 'x', 1)", agent, q);
        assertThatThrownBy(() -> db.dsl().execute("insert into cluster_offers(agent_id, call_id, queue, owner_node, epoch) values (?, 'two', ?, 'y', 1)", agent, q))
                .hasMessageContaining("cluster_offers_one_open_per_agent");
        db.dsl().execute("update cluster_offers set state = 'closed' where agent_id = ?", agent);
    }

    @Test
    void anOwnerIsWokenByNotifyWhenAnotherNodeOffersItsCaller() {
        var heardA = new Heard();
        var a = new PostgresQueueStore(node("a", heardA));
        var b = new PostgresQueueStore(node("b", new Heard()));
        String q = queue();
        agent(Set.of(q));
        await().atMost(Duration.ofSeconds(5)).until(() -> heardA.resyncs.get() >= 1); // LISTEN is in place
        a.enqueue(q, q + "-call", 0);
        Offer o = b.match(q, Duration.ZERO).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> heardA.offered.contains(q + "-call"));
        assertThat(heardA.resyncs.get()).as("no poll came in between (poll is a minute)").isEqualTo(1);
        assertThat(a.pendingOffers()).containsExactly(o);
        assertThat(b.pendingOffers()).isEmpty();
    }

    @Test
    void aNodeWhoseListenConnectionDiesReconnectsResyncsAndHearsAgain() {
        var heard = new Heard();
        var n = node("a", heard);
        var store = new PostgresQueueStore(n);
        await().atMost(Duration.ofSeconds(5)).until(() -> n.listenConnects() == 1);
        long killed = db.dsl().fetchSingle("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'").get(0, Long.class);
        assertThat(killed).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> n.listenConnects() >= 2);
        assertThat(heard.resyncs.get()).as("a resync after the reconnect").isGreaterThanOrEqualTo(2);
        String q = queue();
        agent(Set.of(q));
        store.enqueue(q, q + "-after", 0);
        store.match(q, Duration.ZERO).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.offered.contains(q + "-after"));
    }

    @Test
    void aDeadNodesCallersAndReservationsAreReclaimedAndItsLateWritesRefused() {
        var heardB = new Heard();
        var nodeA = node("a", new Heard());
        var a = new PostgresQueueStore(nodeA);
        var b = new PostgresQueueStore(node("b", heardB));
        String q = queue();
        long agent = agent(Set.of(q));
        a.enqueue(q, q + "-a1", 0);
        b.enqueue(q, q + "-b1", 0);
        a.enqueue(q, q + "-a2", 0);
        b.enqueue(q, q + "-b2", 0);
        assertThat(b.match(q, Duration.ZERO).orElseThrow()).isEqualTo(new Offer(q, q + "-a1", agent)); // B offered A's caller
        long oldEpoch = nodeA.epoch();

        nodeA.halt(); // A freezes: no heartbeat, no listener; its rows stay until the janitor acts

        await().atMost(Duration.ofSeconds(10)).until(() -> repo.entryState(q + "-a1").orElseThrow().equals("gone"));
        assertThat(repo.entryState(q + "-a2")).contains("gone");
        assertThat(b.line(q)).extracting(Waiting::callId).containsExactly(q + "-b1", q + "-b2"); // B's callers keep their order
        await().atMost(Duration.ofSeconds(5)).until(() -> !heardB.reclaimed.isEmpty()); // B runs the janitor now
        assertThat(heardB.reclaimed).flatExtracting(Reclaimed::callers).extracting(ClusterRepository.Waiting::callId)
                .containsExactlyInAnyOrder(q + "-a1", q + "-a2");
        assertThat(heardB.reclaimed).flatExtracting(Reclaimed::agents).containsExactly(agent);
        assertThat(b.match(q, Duration.ZERO)).as("the agent A held is free again").contains(new Offer(q, q + "-b1", agent));

        // A wakes up and writes with its old epoch: every write is refused
        String nodeId = nodeA.nodeId();
        assertThat(repo.heartbeat(nodeId, oldEpoch)).isFalse();
        assertThat(repo.answered(nodeId, oldEpoch, q + "-a1", agent)).isFalse();
        assertThat(repo.offerFailed(nodeId, oldEpoch, q + "-a1", agent, "no_answer")).isFalse();
        assertThat(repo.left(nodeId, oldEpoch, q + "-a2", "abandoned")).isFalse();
        assertThat(repo.enqueue(nodeId, oldEpoch, q, q + "-a3", 0)).isFalse();
        assertThat(repo.entryState(q + "-a1")).contains("gone");
        assertThat(repo.entryState(q + "-a3")).isEmpty();

        // A restarted rejoins with a new epoch; nothing of its old life comes back
        var restarted = node("restart", new Heard());
        long newEpoch = repo.join(nodeId).epoch();
        assertThat(newEpoch).isGreaterThan(oldEpoch).isGreaterThan(restarted.epoch());
        assertThat(b.line(q)).extracting(Waiting::node).doesNotContain(nodeId);
        assertThat(repo.enqueue(nodeId, newEpoch, q, q + "-a3", 0)).isTrue();
    }

    @Test
    void aNodeLeavingCleanlyReleasesItsTalkingCallerAndBusyAgentAtOnce() {
        var nodeA = node("a", new Heard());
        var a = new PostgresQueueStore(nodeA);
        var b = new PostgresQueueStore(node("b", new Heard()));
        String q = queue();
        long agent = agent(Set.of(q));
        a.enqueue(q, q + "-a1", 0);
        b.enqueue(q, q + "-b1", 0);
        assertThat(b.match(q, Duration.ZERO).orElseThrow().callId()).isEqualTo(q + "-a1");
        assertThat(a.answered(q + "-a1", agent)).isTrue();
        assertThat(b.match(q, Duration.ZERO)).as("the agent talks on A").isEmpty();

        nodeA.close(); // SIGTERM after the drain: leaves without waiting for the janitor
        started.remove(nodeA);

        assertThat(repo.entryState(q + "-a1")).contains("gone");
        assertThat(b.match(q, Duration.ZERO)).as("freed by the leave, not by a timeout").contains(new Offer(q, q + "-b1", agent));
        assertThat(repo.nodes()).filteredOn(n -> n.nodeId().equals(nodeA.nodeId())).extracting(ClusterRepository.Node::state).containsExactly("left");
    }

    @Test
    void onlyTheLeaseHolderRunsTheJanitor() {
        String holder = "janitor-test-" + names.incrementAndGet();
        db.dsl().execute("update cluster_leases set holder = null, until = null where name = 'janitor'");
        long epoch = repo.takeLease("janitor", holder, Duration.ofSeconds(30)).orElseThrow();
        assertThat(repo.takeLease("janitor", "someone-else", Duration.ofSeconds(30))).isEmpty();
        assertThat(repo.takeLease("janitor", holder, Duration.ofSeconds(30))).as("a renewal keeps the epoch").hasValue(epoch);
        assertThat(repo.reclaimDead("someone-else", epoch, Duration.ofSeconds(1))).isEmpty();
        assertThat(repo.reclaimDead(holder, epoch - 1, Duration.ofSeconds(1))).as("an older take of the lease").isEmpty();
        assertThat(repo.reclaimDead(holder, epoch, Duration.ofMinutes(10))).isPresent();
        db.dsl().execute("update cluster_leases set until = null where name = 'janitor'");
    }
}
