package foresight.acd.cluster;

import foresight.acd.Acd;
import foresight.acd.AcdOutcome;
import foresight.acd.AgentDirectory;
import foresight.acd.QueueDefinition;
import foresight.acd.QueueSetup;
import foresight.acd.QueueStore.Availability;
import foresight.acd.Staffing;
import foresight.call.BridgeOutcome;
import foresight.call.BridgeRequest;
import foresight.call.SilentCall;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.agent.AgentRepository;
import foresight.db.cluster.ClusterRepository;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two {@link Acd}s, each on its own {@link ClusterNode}, sharing one real (embedded) PostgreSQL through the
 * {@link PostgresQueueStore}: callers on either node wait in one line per queue and are served in the database's
 * arrival order by agents any node knows; a node that dies has its callers and its agent reservation freed by the
 * janitor within the heartbeat timeout, and whatever it writes afterwards with its old epoch is refused.
 */
class ClusteredAcdTest {
    @TempDir static Path dir;
    static Database db;
    static ClusterRepository repo;
    static AgentRepository agents;
    static final AtomicInteger names = new AtomicInteger();
    static final Instant FOREVER = Instant.parse("2100-01-01T00:00:00Z");

    final List<AutoCloseable> started = new ArrayList<>();
    final List<TestCall> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDatabase() {
        db = Database.open(new DatabaseConfig(null, null, null, dir.resolve("pg"), 16));
        repo = new ClusterRepository(db.dsl());
        agents = new AgentRepository(db.dsl());
    }

    @AfterAll
    static void stopDatabase() { db.close(); }

    @AfterEach
    void stop() throws Exception {
        calls.forEach(TestCall::end);
        for (int i = started.size() - 1; i >= 0; i--) started.get(i).close();
    }

    /** One node: its cluster membership, its store and its ACD, wired like the server wires them. */
    record Node(ClusterNode cluster, PostgresQueueStore store, Acd acd) {}

    private Node node(String id, QueueDefinition queue) { return node(id, queue, Acd.Settings.DEFAULT); }

    private Node node(String id, QueueDefinition queue, Acd.Settings settings) {
        var wakeups = new AcdWakeups();
        var cluster = new ClusterNode(ClusterTestConfigs.node(id), db, wakeups);
        cluster.start();
        started.add(cluster);
        var store = new PostgresQueueStore(cluster);
        QueueSetup setup = QueueSetup.of(Map.of(queue.name(), queue), Staffing.DEFAULT);
        var acd = new Acd(AgentDirectory.of(agents), Clock.systemUTC(), settings, () -> setup, store);
        started.add(acd);
        wakeups.attach(acd);
        return new Node(cluster, store, acd);
    }

    private static QueueDefinition queue() {
        return new QueueDefinition("cq" + names.incrementAndGet(), Duration.ofMinutes(5), Duration.ofMinutes(5), null);
    }

    /** An agent of {@code queue} with a phone registered (every node reads registrations from the database). */
    private static long agent(QueueDefinition queue) {
        String name = "ca" + names.incrementAndGet();
        long id = agents.upsert(name, "Agent " + name, "foresight", "pw", Set.of(queue.name())).id();
        agents.register(id, "sip:" + name + "@phone", FOREVER);
        return id;
    }

    /** A caller; when rung, answers at once and talks briefly, or (not answering) lets the phone ring until the call ends. */
    final class TestCall extends SilentCall {
        final String id;
        final boolean answers;
        final List<String> rungLog;
        final AtomicInteger ringOuts = new AtomicInteger(); // the next this many rings go unanswered (10 ms each)
        final CountDownLatch ended = new CountDownLatch(1);
        final CountDownLatch rung = new CountDownLatch(1);
        volatile AcdOutcome outcome;

        TestCall(String id, boolean answers, List<String> rungLog) {
            super(id);
            this.id = id;
            this.answers = answers;
            this.rungLog = rungLog;
            calls.add(this);
        }

        @Override
        public BridgeOutcome bridge(BridgeRequest request) {
            rungLog.add(id);
            rung.countDown();
            if (ringOuts.getAndDecrement() > 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new BridgeOutcome.NotAnswered(new foresight.sip.LegEnd.NoAnswer());
            }
            if (answers) {
                request.onAnswered().accept(request.contactUri());
                return new BridgeOutcome.Talked("caller", Duration.ofMillis(10));
            }
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new BridgeOutcome.NotAnswered(new foresight.sip.LegEnd.NoAnswer());
        }

        void end() { ended.countDown(); }

        @Override public void hangUp(String reason) { end(); }
        @Override public boolean isEnded() { return ended.getCount() == 0; }

        /** Waits in {@code queue} on {@code acd} on a virtual thread of its own. */
        TestCall waitIn(Acd acd, QueueDefinition queue) {
            Thread.ofVirtual().name("caller-" + id).start(() -> outcome = acd.serve(this, queue, Acd.Caller.UNKNOWN, new Acd.Hooks(null, null, null, null)));
            return this;
        }
    }

    /** The agent's offers in the order they were made: [call id, offered_at, ended_at, result]. */
    private static List<Record> offersOf(long agentId) {
        return db.dsl().fetch("select call_id, offered_at, ended_at, result, owner_node from cluster_offers where agent_id = ? order by offered_at, id", agentId);
    }

    /** The calls the agent answered, in the order they were offered. */
    private static List<String> answered(long agentId) {
        return offersOf(agentId).stream().filter(r -> "answered".equals(r.get("result", String.class))).map(r -> r.get("call_id", String.class)).toList();
    }

    /**
     * Over the whole run, from the rows: each of the agent's offers ended before the next one was made (never two at
     * once), and no offer was made for a caller whose entry had already ended (a dead call).
     */
    private static void assertNeverTwoOffersNorADeadCall(long agentId) {
        List<Record> offers = offersOf(agentId);
        for (int i = 0; i + 1 < offers.size(); i++) {
            OffsetDateTime ended = offers.get(i).get("ended_at", OffsetDateTime.class);
            OffsetDateTime next = offers.get(i + 1).get("offered_at", OffsetDateTime.class);
            assertThat(ended).as("offer %s of agent %d ended before offer %s", offers.get(i).get("call_id"), agentId, offers.get(i + 1).get("call_id")).isNotNull();
            assertThat(ended).as("agent %d: offer %s overlaps offer %s", agentId, offers.get(i).get("call_id"), offers.get(i + 1).get("call_id")).isBeforeOrEqualTo(next);
        }
        assertThat(db.dsl().fetch("select o.call_id from cluster_offers o join cluster_queue_entries e on e.call_id = o.call_id and e.owner_node = o.owner_node and e.epoch = o.epoch "
                + "where o.agent_id = ? and e.ended_at is not null and e.ended_at < o.offered_at and e.state = 'gone'", agentId))
                .as("offers made to callers already lost with their node").isEmpty();
    }

    @Test
    void callersWaitingOnTwoNodesAreServedInTheDatabasesArrivalOrderByAnAgentEitherNodeKnows() {
        QueueDefinition q = queue();
        Node a = node("order-a-" + names.incrementAndGet(), q);
        Node b = node("order-b-" + names.incrementAndGet(), q);
        List<String> rung = new CopyOnWriteArrayList<>();
        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // uneven interleaving: a, b, b, a, b, b, a, b
            Node on = i % 3 == 0 ? a : b;
            String id = q.name() + "-" + (on == a ? "a" : "b") + i;
            new TestCall(id, true, rung).waitIn(on.acd(), q);
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> repo.line(q.name()).size() == expected); // the database has seen it
            arrived.add(id);
        }
        assertThat(repo.line(q.name())).extracting(ClusterRepository.Waiting::callId).containsExactlyElementsOf(arrived);
        assertThat(rung).as("no agent yet").isEmpty();

        long agent = agent(q); // one phone registers: every node reads it back and logs the agent in

        await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().allMatch(c -> c.outcome != null));
        assertThat(rung).as("served in the order the database received them, whichever node held the caller").containsExactlyElementsOf(arrived);
        assertThat(calls).allSatisfy(c -> assertThat(c.outcome).as(c.id).isInstanceOf(AcdOutcome.Answered.class));
        assertThat(answered(agent)).containsExactlyElementsOf(arrived);
        // a node whose roster had not loaded the new agent yet (it reads agents every 2 s) hands the reservation back unrung
        assertThat(offersOf(agent)).extracting(r -> r.get("result", String.class)).isSubsetOf("answered", "unknown_agent");
        assertNeverTwoOffersNorADeadCall(agent);
        assertThat(repo.line(q.name())).isEmpty();
        assertThat(db.dsl().fetchSingle("select state from cluster_agents where agent_id = ?", agent).get(0, String.class))
                .as("available again after the last call (no wrap-up)").isEqualTo("available");
    }

    @Test
    void anAgentSetNotReadyOnOneNodeIsNotOfferedByTheOther() {
        QueueDefinition q = queue();
        Node a = node("away-a-" + names.incrementAndGet(), q);
        Node b = node("away-b-" + names.incrementAndGet(), q);
        long agent = agent(q);
        String username = agents.all().stream().filter(x -> x.id() == agent).findFirst().orElseThrow().username();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.acd().state(agent) == Acd.AgentState.AVAILABLE && b.acd().state(agent) == Acd.AgentState.AVAILABLE);
        assertThat(a.acd().ready(username, false, "lunch")).isTrue();
        assertThat(db.dsl().fetchSingle("select state from cluster_agents where agent_id = ?", agent).get(0, String.class)).isEqualTo("away");

        List<String> rung = new CopyOnWriteArrayList<>();
        new TestCall(q.name() + "-b", true, rung).waitIn(b.acd(), q);
        await().atMost(Duration.ofSeconds(5)).until(() -> repo.line(q.name()).size() == 1);
        b.acd().lineChanged();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(rung::isEmpty); // B still thinks the agent is available

        assertThat(a.acd().ready(username, true, null)).isTrue(); // back from lunch on A: B's caller gets them
        await().atMost(Duration.ofSeconds(5)).until(() -> rung.equals(List.of(q.name() + "-b")));
        assertNeverTwoOffersNorADeadCall(agent);
    }

    @Test
    void aDeadNodesCallersAndTheAgentItOfferedAreFreedWithinTheHeartbeatTimeoutAndItsLateWritesAreRefused() {
        QueueDefinition q = queue();
        String idA = "dead-a-" + names.incrementAndGet();
        Node a = node(idA, q);
        Node b = node("dead-b-" + names.incrementAndGet(), q);
        List<String> rungA = new CopyOnWriteArrayList<>();
        List<String> rungB = new CopyOnWriteArrayList<>();
        Map<String, TestCall> byId = new ConcurrentHashMap<>();
        List<String> order = List.of("a1", "b1", "a2", "b2", "b3");
        for (String n : order) {
            boolean onA = n.startsWith("a");
            TestCall c = new TestCall(q.name() + "-" + n, !onA, onA ? rungA : rungB); // A's callers never get an answer: A dies first
            byId.put(n, c);
            c.waitIn(onA ? a.acd() : b.acd(), q);
            int expected = byId.size();
            await().atMost(Duration.ofSeconds(5)).until(() -> repo.line(q.name()).size() == expected);
        }
        long agent = agent(q);
        await().atMost(Duration.ofSeconds(10)).until(() -> rungA.equals(List.of(q.name() + "-a1"))); // the head, A's caller, rings the agent
        assertThat(offersOf(agent)).filteredOn(r -> !"unknown_agent".equals(r.get("result", String.class)))
                .extracting(r -> r.get("call_id", String.class)).containsExactly(q.name() + "-a1");
        long oldEpoch = a.cluster().epoch();

        long t0 = System.nanoTime();
        a.cluster().halt(); // A stops: no heartbeat, no listener (its ACD's threads run on, as a frozen process would resume)
        await().atMost(Duration.ofSeconds(10)).until(() -> repo.entryState(q.name() + "-a1").orElseThrow().equals("gone")
                && repo.entryState(q.name() + "-a2").orElseThrow().equals("gone")
                && offersOf(agent).stream().anyMatch(r -> r.get("call_id", String.class).equals(q.name() + "-a1") && "reclaimed".equals(r.get("result", String.class))));
        Duration freedAfter = Duration.ofNanos(System.nanoTime() - t0);
        Duration timeout = a.cluster().deadAfter();
        System.out.printf("node A's rows freed %d ms after it was halted (dead after %d ms, heartbeat 100 ms)%n", freedAfter.toMillis(), timeout.toMillis());
        // silent for deadAfter, then the next janitor round (one heartbeat) on B, which first waits out A's janitor lease (also deadAfter, overlapping)
        assertThat(freedAfter).isLessThanOrEqualTo(timeout.plusMillis(2 * 100).plusMillis(700)); // + 700 ms for a loaded machine's scheduling

        // B's callers take the freed agent, in their order; A's late writes change nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> rungB.size() == 3);
        assertThat(rungB).containsExactly(q.name() + "-b1", q.name() + "-b2", q.name() + "-b3");
        await().atMost(Duration.ofSeconds(5)).until(() -> byId.get("b3").outcome != null); // the agent is free again
        byId.get("a1").end(); // A's caller hangs up: its ring fails, A marks the agent available and leaves the line: all refused
        await().atMost(Duration.ofSeconds(5)).until(() -> byId.get("a1").outcome != null);
        assertThat(repo.entryState(q.name() + "-a1")).contains("gone");
        assertThat(offersOf(agent)).filteredOn(r -> r.get("owner_node", String.class).equals(idA) && !"unknown_agent".equals(r.get("result", String.class)))
                .extracting(r -> r.get("result", String.class)).as("A's late release did not overwrite the janitor's").containsExactly("reclaimed");
        a.store().agentState(agent, Availability.AWAY);
        assertThat(db.dsl().fetchSingle("select state from cluster_agents where agent_id = ?", agent).get(0, String.class))
                .as("a dead node cannot change an agent's availability").isEqualTo("available");
        assertThat(a.store().enqueue(q.name(), q.name() + "-a3", 0)).isFalse();
        assertThat(repo.entryState(q.name() + "-a3")).isEmpty();

        // A restarts: a new epoch; nothing of its old life comes back, its new callers are served
        Node restarted = node(idA, q);
        assertThat(restarted.cluster().epoch()).isGreaterThan(oldEpoch);
        assertThat(repo.line(q.name())).extracting(ClusterRepository.Waiting::ownerNode).doesNotContain(idA);
        assertThat(db.dsl().fetchSingle("select count(*) from cluster_queue_entries where owner_node = ? and epoch = ? and state in ('waiting', 'offered', 'talking')",
                idA, oldEpoch).get(0, Long.class)).as("old-epoch rows live").isZero();
        List<String> rungRestarted = new CopyOnWriteArrayList<>();
        new TestCall(q.name() + "-a4", true, rungRestarted).waitIn(restarted.acd(), q);
        await().atMost(Duration.ofSeconds(10)).until(() -> rungRestarted.equals(List.of(q.name() + "-a4")));
        assertThat(db.dsl().fetchSingle("select epoch from cluster_queue_entries where call_id = ?", q.name() + "-a4").get(0, Long.class))
                .isEqualTo(restarted.cluster().epoch());
        assertNeverTwoOffersNorADeadCall(agent);
        assertThat(offersOf(agent)).filteredOn(r -> !"unknown_agent".equals(r.get("result", String.class))).extracting(r -> r.get("call_id", String.class))
                .containsExactly(q.name() + "-a1", q.name() + "-b1", q.name() + "-b2", q.name() + "-b3", q.name() + "-a4");
        assertThat(byId.get("a2").outcome).as("A's second caller still waits on the dead node (its media would be gone)").isNull();
    }
    @Test
    void aNodeDeclaredDeadWhilePausedRejoinsAndPutsItsLiveCallersBackWithTheNewEpochWhileTheOldRowsStayGone() {
        QueueDefinition q = queue();
        String id = "paused-" + names.incrementAndGet();
        Node a = node(id, q);
        List<String> rung = new CopyOnWriteArrayList<>();
        new TestCall(q.name() + "-a1", true, rung).waitIn(a.acd(), q);
        await().atMost(Duration.ofSeconds(5)).until(() -> repo.line(q.name()).size() == 1);
        long oldEpoch = a.cluster().epoch();

        // the janitor (here: the test, holding the lease) declares A dead as if its heartbeat had stopped for a while
        db.dsl().execute("update cluster_leases set holder = null, until = null where name = 'janitor'");
        long lease = repo.takeLease(ClusterNode.JANITOR, "test-janitor", Duration.ofSeconds(30)).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> repo.reclaimDead("test-janitor", lease, Duration.ofMillis(1)).orElseThrow().nodes().contains(id));
        assertThat(db.dsl().fetchSingle("select state from cluster_queue_entries where call_id = ? and epoch = ?", q.name() + "-a1", oldEpoch).get(0, String.class))
                .isEqualTo("gone");

        // A's next heartbeat is refused: it rejoins with a new epoch, resyncs, and its caller (media still here) goes back in
        await().atMost(Duration.ofSeconds(5)).until(() -> a.cluster().epoch() > oldEpoch);
        await().atMost(Duration.ofSeconds(5)).until(() -> repo.line(q.name()).size() == 1);
        assertThat(db.dsl().fetch("select epoch, state from cluster_queue_entries where call_id = ? order by id", q.name() + "-a1"))
                .extracting(r -> r.get("epoch", Long.class) + ":" + r.get("state", String.class))
                .containsExactly(oldEpoch + ":gone", a.cluster().epoch() + ":waiting");
        db.dsl().execute("update cluster_leases set holder = null, until = null where name = 'janitor'");

        long agent = agent(q);
        await().atMost(Duration.ofSeconds(10)).until(() -> rung.equals(List.of(q.name() + "-a1")));
        assertNeverTwoOffersNorADeadCall(agent);
    }
    @Test
    void callersArrivingAtOnceOnTwoNodesWithAgentsWhoSometimesDoNotAnswerAreEachServedOnceAndNoAgentEverHasTwoOffers() {
        QueueDefinition q = queue();
        var settings = new Acd.Settings(1_000, Duration.ofMinutes(5), true, 3, Duration.ofSeconds(60)); // ring-outs never set anyone not-ready here
        Node a = node("race-a-" + names.incrementAndGet(), q, settings);
        Node b = node("race-b-" + names.incrementAndGet(), q, settings);
        List<Long> staff = List.of(agent(q), agent(q), agent(q));
        await().atMost(Duration.ofSeconds(10)).until(() -> staff.stream().allMatch(id -> a.acd().state(id) == Acd.AgentState.AVAILABLE
                && b.acd().state(id) == Acd.AgentState.AVAILABLE));
        List<String> rung = new CopyOnWriteArrayList<>();
        List<TestCall> callers = new ArrayList<>();
        long ringOuts = 0;
        for (int i = 0; i < 40; i++) {
            TestCall c = new TestCall(q.name() + "-r" + i, true, rung);
            c.ringOuts.set(i % 4 == 0 ? 2 : i % 3 == 0 ? 1 : 0); // some agents' phones ring out first: the caller keeps its place
            ringOuts += c.ringOuts.get();
            callers.add(c);
        }
        for (int i = 0; i < callers.size(); i++) callers.get(i).waitIn(i % 2 == 0 ? a.acd() : b.acd(), q); // no waiting between arrivals

        await().atMost(Duration.ofSeconds(60)).until(() -> callers.stream().allMatch(c -> c.outcome != null));
        assertThat(callers).allSatisfy(c -> assertThat(c.outcome).as(c.id).isInstanceOf(AcdOutcome.Answered.class));
        for (long agent : staff) assertNeverTwoOffersNorADeadCall(agent);
        assertThat(db.dsl().fetch("select call_id, count(*) as n from cluster_offers where queue = ? and result = 'answered' group by call_id", q.name()))
                .as("each caller answered once").hasSize(40).allSatisfy(r -> assertThat(r.get("n", Long.class)).isEqualTo(1L));
        assertThat(db.dsl().fetchSingle("select count(*) from cluster_offers where queue = ? and result = 'timeout'", q.name()).get(0, Long.class))
                .as("every ring-out is in the rows, its caller offered again").isEqualTo(ringOuts);
        assertThat(db.dsl().fetchSingle("select count(*) from cluster_offers where queue = ? and state = 'open'", q.name()).get(0, Long.class)).isZero();
    }
}
