package foresight.app.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/cluster up 2} for real: PostgreSQL, two Foresight processes and Kamailio in front of them, SIPp
 * callers and a raw-UDP phone on 127.0.0.1. The tests run in order: the last one kills node A.
 * Ports 44060 (Kamailio), 44070/44080 (nodes' SIP), 44081/44082 (HTTP), 44200-44999 (RTP), 45010-45990 (peers).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEdgeEndToEndTest {
    private static final String EDGE = "127.0.0.1:44060";
    private static final String NODE_A = "sip:127.0.0.1:44070";
    private static final String NODE_B = "sip:127.0.0.1:44080";
    private static final Path SCRIPT = Path.of("../scripts/cluster").toAbsolutePath().normalize();
    private static final Path CALLER = Path.of("../scripts/kamailio/caller.xml").toAbsolutePath().normalize();

    @TempDir static Path dir;

    @BeforeAll
    static void up() throws Exception {
        assertThat(Path.of("/usr/sbin/kamailio")).as("Kamailio is installed by scripts/install-test-tools").exists();
        Result r = script(Duration.ofMinutes(8), "up", "2");
        assertThat(r.exit()).as("scripts/cluster up 2:\n" + r.output()).isZero();
        assertThat(r.output()).contains("hotline: sip:hotline@" + EDGE).contains("node-A: sip 127.0.0.1:44070").contains("node-B: sip 127.0.0.1:44080");
    }

    @AfterAll
    static void down() throws Exception {
        Result r = script(Duration.ofMinutes(3), "down");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(dir.resolve("pg.pid")).doesNotExist();
    }

    @Test
    @Order(1)
    void callsThroughKamailioAreSplitBetweenTheTwoNodesWithinTwentyPercent() throws Exception {
        Process sipp = callers(40, 10, 45010);
        assertThat(sipp.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("every call connected and ended (sipp exit 0); log " + dir.resolve("sipp-45010.log")).isZero();
        Map<String, Long> perNode = dispatched(sipp.pid());
        assertThat(perNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(perNode.get(NODE_A)).as("node A's share of 40 (±20 %%): %s", perNode).isBetween(16L, 24L);
        assertThat(perNode.get(NODE_B)).as("node B's share of 40 (±20 %%): %s", perNode).isBetween(16L, 24L);
    }

    @Test
    @Order(2)
    void aPhoneRegisteredAtTheEdgeIsStillFoundAfterKamailioRestarts() throws Exception {
        try (var phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 45950))) {
            phone.setSoTimeout(3000);
            send(phone, "REGISTER sip:" + EDGE + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:45950;branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:agent7@127.0.0.1>;tag=reg1\r\nTo: <sip:agent7@127.0.0.1>\r\nCall-ID: " + UUID.randomUUID() + "\r\n"
                    + "CSeq: 1 REGISTER\r\nContact: <sip:agent7@127.0.0.1:45950>\r\nExpires: 300\r\nContent-Length: 0\r\n\r\n");
            assertThat(receive(phone)).startsWith("SIP/2.0 200");
        }
        Result restart = script(Duration.ofMinutes(1), "restart-edge");
        assertThat(restart.exit()).as(restart.output()).isZero();
        Result lookup = kamcmd("ul.lookup", "location", "agent7");
        assertThat(lookup.output()).as("read back from PostgreSQL by the new Kamailio").contains("sip:agent7@127.0.0.1:45950");
    }

    @Test
    @Order(3)
    void aKilledNodeIsMarkedDownWithinFiveSecondsAndNewCallsConnectOnTheOther() throws Exception {
        long pidA = Long.parseLong(Files.readString(dir.resolve("node-A.pid")).trim());
        long killedAt = System.nanoTime();
        ProcessHandle.of(pidA).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown, no leaving the cluster
        long markedDownMs = -1;
        while (System.nanoTime() - killedAt < Duration.ofSeconds(10).toNanos()) {
            if (flags(NODE_A).startsWith("I")) {
                markedDownMs = (System.nanoTime() - killedAt) / 1_000_000;
                break;
            }
            Thread.sleep(100);
        }
        System.out.println("cluster: node A marked down " + markedDownMs + " ms after kill -9 (loaded)");
        assertThat(markedDownMs).as("node A marked inactive by the dispatcher").isBetween(0L, 5000L);

        Process sipp = callers(20, 10, 45020);
        assertThat(sipp.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(sipp.exitValue()).as("every new call connected; log " + dir.resolve("sipp-45020.log")).isZero();
        assertThat(dispatched(sipp.pid())).as("all on node B").containsOnlyKeys(NODE_B);

        // The node A left behind is declared dead by B's janitor (its queue rows and reservations are reclaimed).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String logB = "";
        while (System.nanoTime() < deadline && !logB.contains("event=cluster_node_dead node=node-A")) {
            Thread.sleep(200);
            logB = Files.readString(dir.resolve("node-B.log"));
        }
        assertThat(logB).contains("event=cluster_node_dead node=node-A janitor=node-B");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    record Result(int exit, String output) {}

    private static Result script(Duration timeout, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cluster-" + args[0], ".log");
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(Map.of("CLUSTER_PORT_BASE", "44000", "CLUSTER_DIR", dir.toString(), "CLUSTER_SKIP_BUILD", "1",
                "JAVA_HOME", System.getProperty("java.home")));
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeout + "\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    /** SIPp callers through the edge: {@code calls} at {@code rate}/s, each 3 s long, from UDP port {@code port}. */
    private static Process callers(int calls, int rate, int port) throws IOException {
        return new ProcessBuilder("sipp", "-sf", CALLER.toString(), EDGE, "-s", "hotline", "-m", String.valueOf(calls), "-r", String.valueOf(rate),
                "-p", String.valueOf(port), "-mp", String.valueOf(port + 900), "-i", "127.0.0.1", "-timeout", "100s", "-nostdin")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sipp-" + port + ".log").toFile()).start();
    }

    /** How many of this SIPp process's calls Kamailio sent to each node (its edge_dispatch log lines). */
    private static Map<String, Long> dispatched(long sippPid) throws IOException {
        var line = java.util.regex.Pattern.compile("event=edge_dispatch call=\\d+-" + sippPid + "@\\S+ node=(\\S+)");
        try (var lines = Files.lines(dir.resolve("kamailio.log"))) {
            return lines.map(line::matcher).filter(java.util.regex.Matcher::find)
                    .collect(java.util.stream.Collectors.groupingBy(m -> m.group(1), java.util.stream.Collectors.counting()));
        }
    }

    private static Result kamcmd(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(List.of("kamcmd", "-s", "unix:" + dir.resolve("kamailio_ctl")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return new Result(p.exitValue(), out);
    }

    /** The dispatcher's flags for a node ("AP": active and probing, "IP": inactive), or "" if not listed. */
    private static String flags(String uri) throws Exception {
        String[] lines = kamcmd("dispatcher.list").output().split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].trim().equals("URI: " + uri)) {
                for (int j = i + 1; j < lines.length; j++) if (lines[j].trim().startsWith("FLAGS:")) return lines[j].trim().substring(6).trim();
            }
        }
        return "";
    }

    private static void send(DatagramSocket s, String msg) throws IOException {
        byte[] b = msg.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", 44060)));
    }

    private static String receive(DatagramSocket s) throws IOException {
        var buf = new byte[4096];
        var p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return "(no reply within 3 s)";
        }
        return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
    }
}
