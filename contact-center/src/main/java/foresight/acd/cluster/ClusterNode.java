package foresight.acd.cluster;

import foresight.db.Database;
import foresight.db.cluster.ClusterRepository;
import foresight.db.cluster.ClusterRepository.Reclaimed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's membership of the cluster: joins with a new epoch, beats its heartbeat, runs the janitor whenever it
 * holds the janitor lease, and listens for changes (LISTEN/NOTIFY, a slow poll, a resync after every reconnect).
 *
 * <p>Threads: one scheduler thread ("cluster-heartbeat") beats and runs the janitor; the listener has its own. The
 * epoch is written by the scheduler thread only (and by {@link #start()} before it runs). {@link Events} callbacks run
 * on those threads and must only post work elsewhere.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    static final String JANITOR = "janitor";

    /** What the node hears about. Every method has a no-op default. */
    public interface Events {
        /** One of this node's callers was offered an agent by some node's match: look at {@code pendingOffers}. */
        default void offered(String callId) {}

        /** Callers were enqueued or agents freed somewhere: a good moment to match. */
        default void changed() {}

        /** Notifications may have been missed (start, reconnect, poll, rejoin): reread the lines. */
        default void resync() {}

        /** The janitor (on this node) ended dead nodes' callers and freed their agents: offer callbacks, record them. */
        default void reclaimed(Reclaimed what) {}
    }

    private final ClusterConfig config;
    private final ClusterRepository repo;
    private final ChangeListener.ConnectionSource connections;
    private final Events events;
    private final ScheduledExecutorService scheduler;
    private volatile long epoch = -1;       // written by start() and the scheduler thread
    private volatile long janitorEpoch = -1; // the janitor lease's epoch while held; scheduler thread only
    private ChangeListener listener;          // set by start()

    /** A node of the cluster on this database; nothing happens until {@link #start()}. */
    public ClusterNode(ClusterConfig config, Database db, Events events) {
        this(config, new ClusterRepository(db.dsl()), db::openDedicatedConnection, events);
    }

    ClusterNode(ClusterConfig config, ClusterRepository repo, ChangeListener.ConnectionSource connections, Events events) {
        if (config.nodeId().isBlank()) throw new IllegalArgumentException("cluster.nodeId is required");
        this.config = config;
        this.repo = repo;
        this.connections = connections;
        this.events = events;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cluster-heartbeat").factory());
    }

    public String nodeId() { return config.nodeId(); }

    /** The shared state this node reads and writes. */
    ClusterRepository repository() { return repo; }

    /** The epoch this node writes with; -1 before {@link #start()}. */
    public long epoch() { return epoch; }

    /** Joins (blocks for one transaction), then starts the heartbeat, janitor and listener. */
    public void start() {
        join();
        long every = config.heartbeat().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        listener = new ChangeListener(connections, ClusterRepository.CHANNEL, config.poll(), this::notified, events::resync);
        listener.start();
    }

    private void join() {
        var joined = repo.join(config.nodeId());
        epoch = joined.epoch();
        log.info("event=cluster_joined node={} epoch={} stale_callers={} stale_offers={}", config.nodeId(), epoch,
                joined.stale().callers().size(), joined.stale().agents().size());
    }

    private void tick() {
        try {
            heartbeat();
            janitorRound();
        } catch (RuntimeException e) {
            log.warn("event=cluster_tick_failed node={} epoch={} cause={}", config.nodeId(), epoch, e.toString());
        }
    }

    /**
     * One heartbeat. A refused heartbeat means the cluster declared this node dead (it was paused or cut off longer
     * than the timeout) and reclaimed its callers: it rejoins with a new epoch and resyncs. Scheduler thread (or a test).
     */
    void heartbeat() {
        if (repo.heartbeat(config.nodeId(), epoch)) return;
        log.warn("event=cluster_fenced node={} epoch={} reason=declared_dead_while_silent", config.nodeId(), epoch);
        join();
        events.resync();
    }

    /** Takes or renews the janitor lease and, if held, reclaims dead nodes. Empty when another node holds the lease. */
    Optional<Reclaimed> janitorRound() {
        OptionalLong lease = repo.takeLease(JANITOR, config.nodeId(), config.deadAfter());
        if (lease.isEmpty()) {
            janitorEpoch = -1;
            return Optional.empty();
        }
        if (lease.getAsLong() != janitorEpoch) log.info("event=janitor_lease_taken node={} lease_epoch={}", config.nodeId(), lease.getAsLong());
        janitorEpoch = lease.getAsLong();
        Optional<Reclaimed> r = repo.reclaimDead(config.nodeId(), janitorEpoch, config.deadAfter());
        r.filter(x -> !x.isEmpty()).ifPresent(x -> {
            for (String n : x.nodes()) log.warn("event=cluster_node_dead node={} janitor={}", n, config.nodeId());
            for (var c : x.callers()) log.info("call={} event=caller_lost_with_node queue={} node={} waited_ms={}", c.callId(), c.queue(), c.ownerNode(), c.waited().toMillis());
            events.reclaimed(x);
        });
        return r;
    }

    private void notified(String payload) {
        String[] p = payload.split(" ");
        if (p[0].equals("offered") && p.length == 3 && p[1].equals(config.nodeId())) {
            events.offered(p[2]);
        } else {
            events.changed();
        }
    }

    /** Times LISTEN was established (1 after start; more after reconnects). */
    int listenConnects() { return listener == null ? 0 : listener.connects(); }

    /** Stops heartbeating and listening without leaving: what the cluster sees of a node that froze or was killed. */
    void halt() {
        scheduler.shutdownNow();
        if (listener != null) listener.close();
    }

    /** Leaves the cluster cleanly (its rows are released at once) and stops its threads. */
    @Override
    public void close() {
        halt();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (epoch >= 0) {
            var r = repo.leave(config.nodeId(), epoch);
            log.info("event=cluster_left node={} epoch={} released_callers={}", config.nodeId(), epoch, r.callers().size());
        }
    }

    /** The heartbeat timeout (for tests that wait for the janitor). */
    Duration deadAfter() { return config.deadAfter(); }
}
