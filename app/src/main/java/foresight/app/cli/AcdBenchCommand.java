package foresight.app.cli;

import foresight.acd.Acd;
import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.call.BridgeOutcome;
import foresight.call.BridgeRequest;
import foresight.call.SilentCall;
import foresight.db.agent.AgentRepository;
import foresight.db.audit.UserRepository;
import foresight.acd.QueueDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How fast the ACD decides and how fast a wallboard hears about it, on a real server (embedded PostgreSQL, the HTTP
 * API, the event stream) with {@code --agents} agents all talking and {@code --waiting} callers in line across five
 * queues with skills and tiers. Callers and agents are simulated in-process (no SIP): each decision starts when a
 * talk ends and ends when the next caller is offered to the freed agent. Wallboard latency is measured from the same
 * moment to the arrival of the {@code offer} event on a server-sent event stream read over HTTP, and the wallboard's
 * panel is fetched and timed at that size. Used by {@code scripts/bench acd}.
 */
@Command(name = "acd-bench", description = "Measure ACD decision time and wallboard update latency (in-process server, simulated calls).")
public final class AcdBenchCommand implements Runnable {
    @Option(names = "--agents", defaultValue = "200", description = "Agents, all busy (default ${DEFAULT-VALUE})")
    int agents;

    @Option(names = "--waiting", defaultValue = "1000", description = "Callers waiting (default ${DEFAULT-VALUE})")
    int waiting;

    @Option(names = "--decisions", defaultValue = "2000", description = "Decisions measured (default ${DEFAULT-VALUE})")
    int decisions;

    static final int QUEUES = 5;

    /** A simulated caller: rung agents "answer" at once and talk until the bench hangs up. */
    private static final class SimCall extends SilentCall {
        final CompletableFuture<Void> hangup = new CompletableFuture<>();
        volatile boolean talking;

        SimCall(String id) { super(id); }

        @Override
        public BridgeOutcome bridge(BridgeRequest r) {
            r.onAnswered().accept(r.contactUri());
            talking = true;
            hangup.join();
            return new BridgeOutcome.Talked("caller", Duration.ofSeconds(1));
        }

        @Override public void hangUp(String reason) { hangup.complete(null); }
    }

    @Override
    public void run() {
        // One line per call event would be 10,000s of lines here; the results are what matter.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            Path work = Files.createTempDirectory("acd-bench");
            Path operator = work.resolve("operator");
            copy(Path.of("examples/hotline"), operator);
            StringBuilder q = new StringBuilder("tiers: { vip: 2, gold: 1, standard: 0 }\nqueues:\n");
            for (int i = 0; i < QUEUES; i++) {
                q.append("  - name: q").append(i).append("\n    skills: [q").append(i).append("]\n    strategy: ")
                        .append(QueueDefinition.Strategy.values()[i % 3].yamlName()).append("\n    aging_seconds: 60\n    max_wait_seconds: 3600\n");
            }
            Files.writeString(operator.resolve("queues.yml"), q.toString());
            Files.writeString(operator.resolve("flows/hotline.yml"), "flow: hotline\nstart: q\nnodes:\n  q: { queue: q0, next: bye }\n  bye: { hangup: true }\n");
            Files.deleteIfExists(operator.resolve("answers.yml"));
            var d = ForesightConfig.DEFAULT;
            var config = new ForesightConfig(new ForesightConfig.Sip("127.0.0.1", 25860, 36000, 36998, "foresight", 20, 60, 30, ForesightConfig.Guard.DEFAULT),
                    new ForesightConfig.Http("127.0.0.1", 0), new ForesightConfig.Database(null, null, null, work.resolve("pg").toString(), 4),
                    d.speech(), new ForesightConfig.Operator(operator.toString(), "hotline", 1000),
                    new ForesightConfig.Recording(work.resolve("rec").toString(), false, 0), new ForesightConfig.Transcription(false, 1000, 3),
                    new ForesightConfig.Demo(false), d.prediction(), d.acd());
            try (Server server = new Server(config).start()) {
                measure(server);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void measure(Server server) throws Exception {
        Acd acd = server.acd();
        var repo = new AgentRepository(server.database().dsl());
        for (int i = 0; i < agents; i++) repo.upsert("b" + i, "Bench " + i, "foresight", "x", Set.of("q" + (i % QUEUES), "q" + ((i + 1) % QUEUES)));
        acd.reloadAgents();
        Instant forever = Instant.now().plus(Duration.ofDays(1));
        for (var a : repo.all()) {
            if (!a.username().startsWith("b")) continue;
            String contact = "sip:" + a.username() + "@127.0.0.1:9"; // never dialled: calls are simulated
            repo.register(a.id(), contact, forever); // PostgreSQL is the source of truth the ACD re-reads every 2 s
            acd.registered(a.id(), contact, forever);
        }
        var queues = server.acd().snapshot().queues().stream().map(Acd.QueueView::definition).toList();
        String[] tiers = {"standard", "standard", "standard", "gold", "vip"};
        Random rnd = new Random(42);
        Map<String, SimCall> talking = new ConcurrentHashMap<>();
        Map<String, Long> offeredAt = new ConcurrentHashMap<>();
        acd.addListener(e -> {
            if (e.type().equals("offer")) offeredAt.put(e.callId(), System.nanoTime());
        });
        int[] seq = {0};
        Runnable newCaller = () -> {
            String id = "bench-" + seq[0]++;
            SimCall c = new SimCall(id);
            talking.put(id, c);
            var def = queues.get(rnd.nextInt(queues.size()));
            Thread.ofVirtual().start(() -> acd.serve(c, def, new Acd.Caller(null, tiers[rnd.nextInt(tiers.length)], null), new Acd.Hooks(a -> { }, null, null, null)));
        };
        for (int i = 0; i < agents + waiting; i++) newCaller.run();
        long t0 = System.nanoTime();
        while (talkingCount(talking) < agents || totalWaiting(acd) < waiting) {
            if (System.nanoTime() - t0 > 60_000_000_000L) throw new IllegalStateException("set-up did not settle: " + talkingCount(talking) + " talking, " + totalWaiting(acd) + " waiting");
            Thread.sleep(50);
        }
        System.out.printf("set-up: %d agents talking, %d callers waiting in %d queues%n", talkingCount(talking), totalWaiting(acd), queues.size());

        // The wallboard's stream, read over HTTP as a browser would.
        String token = "bench-" + System.nanoTime();
        new UserRepository(server.database().dsl()).upsert("bench-supervisor", "supervisor", token);
        String base = "http://127.0.0.1:" + server.httpPort();
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // as a browser's EventSource: no h2c upgrade
        Map<String, Long> streamedAt = new ConcurrentHashMap<>();
        var stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        CountDownLatch connected = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream.body()))) {
                String line, event = null;
                while ((line = in.readLine()) != null) {
                    connected.countDown();
                    if (line.startsWith("event:")) event = line.substring(6).trim();
                    else if (line.startsWith("data:") && "offer".equals(event)) {
                        int i = line.indexOf("\"callId\":\"");
                        if (i >= 0) streamedAt.putIfAbsent(line.substring(i + 10, line.indexOf('"', i + 10)), System.nanoTime());
                    }
                }
            } catch (Exception e) {
                // stream closed at the end
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the event stream sent nothing in 10 s (status " + stream.statusCode() + ")");

        long[] decision = new long[decisions];
        long[] wallboard = new long[decisions];
        int measured = 0;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < decisions; i++) {
            ids.clear();
            talking.forEach((id, c) -> { if (c.talking) ids.add(id); });
            if (ids.isEmpty()) break;
            SimCall done = talking.remove(ids.get(rnd.nextInt(ids.size())));
            var before = Set.copyOf(offeredAt.keySet());
            long start = System.nanoTime();
            done.hangup.complete(null);
            String next = null;
            long deadline = start + 5_000_000_000L;
            while (next == null && System.nanoTime() < deadline) {
                for (String k : offeredAt.keySet()) if (!before.contains(k)) { next = k; break; }
                if (next == null) Thread.onSpinWait();
            }
            if (next == null) throw new IllegalStateException("no offer after a talk ended");
            decision[measured] = offeredAt.get(next) - start;
            String n = next;
            long waitUntil = System.nanoTime() + 5_000_000_000L;
            while (!streamedAt.containsKey(n) && System.nanoTime() < waitUntil) Thread.sleep(0, 200_000);
            if (!streamedAt.containsKey(n)) throw new IllegalStateException("offer for " + n + " not seen on /api/events within 5 s");
            wallboard[measured] = streamedAt.getOrDefault(n, waitUntil) - start;
            measured++;
            newCaller.run(); // keep the line as long as it was
            while (totalWaiting(acd) < waiting && System.nanoTime() < waitUntil) Thread.onSpinWait();
        }
        long[] panel = new long[20];
        for (int i = 0; i < panel.length; i++) {
            long s = System.nanoTime();
            var r = http.send(HttpRequest.newBuilder(URI.create(base + "/wallboard/panel")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("wallboard panel: " + r.statusCode());
            panel[i] = System.nanoTime() - s;
        }
        stream.body().close();
        reader.interrupt();
        report("decision (talk ends -> next caller offered)", Arrays.copyOf(decision, measured));
        report("wallboard event (talk ends -> offer event read from /api/events)", Arrays.copyOf(wallboard, measured));
        report("wallboard panel render + fetch (" + (agents + waiting) + " calls, " + agents + " agents)", panel);
        System.out.printf("decisions=%d agents=%d waiting=%d decision_p50_ms=%.3f decision_p99_ms=%.3f event_p50_ms=%.3f event_p99_ms=%.3f panel_p50_ms=%.1f%n",
                measured, agents, waiting, pct(decision, measured, 50), pct(decision, measured, 99), pct(wallboard, measured, 50), pct(wallboard, measured, 99),
                pct(panel, panel.length, 50));
        talking.values().forEach(c -> c.hangup.complete(null));
    }

    private static int talkingCount(Map<String, SimCall> calls) {
        int n = 0;
        for (SimCall c : calls.values()) if (c.talking) n++;
        return n;
    }

    private static int totalWaiting(Acd acd) {
        int n = 0;
        for (var q : acd.snapshot().queues()) for (var w : q.waiting()) if (w.ringing().isEmpty()) n++;
        return n;
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-80s n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6, s[s.length - 1] / 1e6);
    }

    private static double pct(long[] nanos, int n, int p) {
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        return s[Math.min(n - 1, n * p / 100)] / 1e6;
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
