package foresight.app.e2e;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.agent.AgentRepository;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Foresight servers with {@code cluster.enabled} on one PostgreSQL (embedded, started here), real SIP and RTP on
 * 127.0.0.1: callers dial node A and node B alternately and wait in one queue; one agent's phone (registered in the
 * database, where every node reads registrations) is rung for them in the order the database received them, whichever
 * node holds each caller, one call at a time. Ports 47200-47399: node A SIP 47200, RTP 47202-47248; node B SIP 47250,
 * RTP 47252-47298; the callers' phone 47300 (RTP 47302-47348); the agent's phone 47350 (RTP 47352-47398).
 */
class ClusterQueueEndToEndTest {
    static Path work;
    static Database db;
    static Server nodeA, nodeB;
    static TestPhone callers, agentPhone;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-cluster-queue");
        db = Database.open(new DatabaseConfig(null, null, null, work.resolve("pg"), 4));
        String url = "jdbc:postgresql://127.0.0.1:" + db.embeddedPort() + "/postgres";
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: wait
                nodes:
                  wait: { queue: support, next: bye }
                  bye: { hangup: true }
                """);
        Files.writeString(operator.resolve("queues.yml"), """
                queues:
                  - name: support
                    max_wait_seconds: 240
                    ring_timeout_seconds: 10
                """);
        nodeA = new Server(node("A", 47200, 47202, 47248, url, operator)).start();
        nodeB = new Server(node("B", 47250, 47252, 47298, url, operator)).start();
        callers = new TestPhone(47300, 47302, 47348, false);
        agentPhone = new TestPhone(47350, 47352, 47398, true);
    }

    private static ForesightConfig node(String id, int sipPort, int rtpMin, int rtpMax, String url, Path operator) throws Exception {
        Path dir = Files.createDirectories(work.resolve("node-" + id));
        var c = TestConfigs.server(sipPort, rtpMin, rtpMax, 60, dir, operator.toString(), 500, false, 1);
        return new ForesightConfig(c.sip(), c.http(), new ForesightConfig.Database(url, "postgres", "", dir.resolve("pg").toString(), 4),
                c.speech(), c.operator(), c.recording(), c.transcription(), new ForesightConfig.Demo(false), c.prediction(), c.acd(), c.digest(),
                new ForesightConfig.Cluster(true, "node-" + id, 200, 1000, 2000));
    }

    @AfterAll
    static void stop() {
        if (agentPhone != null) agentPhone.close();
        if (callers != null) callers.close();
        if (nodeB != null) nodeB.close();
        if (nodeA != null) nodeA.close();
        if (db != null) db.close();
    }

    private static long live() {
        return db.dsl().fetchSingle("select count(*) from cluster_queue_entries where queue = 'support' and state in ('waiting', 'offered')").get(0, Long.class);
    }

    @Test
    void callersOnTwoServersAreRungToOneAgentInTheOrderTheDatabaseReceivedThem() throws Exception {
        List<TestPhone.Line> lines = new ArrayList<>();
        String[] via = {"47200", "47250", "47250", "47200", "47250"}; // A, B, B, A, B
        for (int i = 0; i < via.length; i++) {
            lines.add(callers.dial("sip:hotline@127.0.0.1:" + via[i], "+1555010" + i));
            long expected = i + 1;
            await().atMost(Duration.ofSeconds(20)).until(() -> live() == expected);
        }
        List<String> arrived = db.dsl().fetch("select call_id from cluster_queue_entries where queue = 'support' order by enqueued_at, id")
                .getValues(0, String.class);
        assertThat(db.dsl().fetch("select owner_node from cluster_queue_entries where queue = 'support' order by enqueued_at, id").getValues(0, String.class))
                .containsExactly("node-A", "node-B", "node-B", "node-A", "node-B");

        var agents = new AgentRepository(db.dsl());
        long agent = agents.upsert("4101", "Agent Ann", "foresight", "pw", Set.of("support")).id();
        agents.register(agent, "sip:4101@127.0.0.1:47350", Instant.now().plus(Duration.ofHours(1))); // both nodes read it back within 2 s

        for (int i = 0; i < via.length; i++) {
            TestPhone.Line rung = agentPhone.incoming.poll(30, TimeUnit.SECONDS);
            assertThat(rung).as("call %d reaches the agent's phone", i + 1).isNotNull();
            Thread.sleep(500); // the agent talks briefly, then hangs up: the caller's call ends too, the agent is free
            rung.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> db.dsl().fetchSingle(
                "select count(*) from cluster_offers where agent_id = ? and state = 'closed' and result = 'answered'", agent).get(0, Long.class) == via.length);

        List<Record> offers = db.dsl().fetch("select call_id, owner_node, offered_at, ended_at, result from cluster_offers where agent_id = ? order by offered_at, id", agent);
        assertThat(offers).filteredOn(r -> r.get("result", String.class).equals("answered")).extracting(r -> r.get("call_id", String.class))
                .as("rung and answered in the database's arrival order").containsExactlyElementsOf(arrived);
        // a node whose roster had not loaded the new agent yet (it reads agents every 2 s) hands the reservation back
        // unrung; the caller keeps its place. Nothing else may end an offer here.
        assertThat(offers).extracting(r -> r.get("result", String.class)).isSubsetOf("answered", "unknown_agent");
        for (int i = 0; i + 1 < offers.size(); i++) {
            assertThat(offers.get(i).get("ended_at", OffsetDateTime.class)).as("one offer at a time")
                    .isBeforeOrEqualTo(offers.get(i + 1).get("offered_at", OffsetDateTime.class));
        }
        lines.forEach(TestPhone.Line::close);
    }
}
