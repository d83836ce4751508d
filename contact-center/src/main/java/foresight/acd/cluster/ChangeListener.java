package foresight.acd.cluster;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * LISTENs on the cluster's channel over one dedicated connection and hands each notification's payload on; calls
 * {@code resync} once LISTEN is in place (at start and after every reconnect: notifications sent while disconnected
 * are lost) and every {@code poll} as the safety net. Owns one platform thread; callbacks run on it and must not block
 * for long.
 */
final class ChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);

    /** Opens a new connection outside any pool. */
    interface ConnectionSource { Connection open() throws SQLException; }

    private final ConnectionSource connections;
    private final String channel;
    private final Duration poll;
    private final Consumer<String> notified;
    private final Runnable resync;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int connects;      // written by the listener thread

    ChangeListener(ConnectionSource connections, String channel, Duration poll, Consumer<String> notified, Runnable resync) {
        this.connections = connections;
        this.channel = channel;
        this.poll = poll;
        this.notified = notified;
        this.resync = resync;
        this.thread = Thread.ofPlatform().daemon().name("cluster-listen").unstarted(this::run);
    }

    void start() { thread.start(); }

    /** How many times LISTEN was (re)established: for tests and the log. */
    int connects() { return connects; }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        while (!closed) {
            try (Connection c = connections.open(); Statement st = c.createStatement()) {
                st.execute("LISTEN " + channel);
                connects++;
                if (connects > 1) log.info("event=cluster_listen_reconnected channel={} connects={}", channel, connects);
                resync.run();
                backoff = Duration.ofMillis(100); // connected and resynced: the next failure starts the backoff over
                listen(c.unwrap(PGConnection.class));
            } catch (SQLException e) {
                if (closed) return;
                log.warn("event=cluster_listen_lost channel={} retry_ms={} cause={}", channel, backoff.toMillis(), e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                // a failing callback (the database refusing queries, say): start over after the backoff, not in a spin
                log.error("event=cluster_listen_callback_failed channel={} retry_ms={}", channel, backoff.toMillis(), e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            }
        }
    }

    /** Waits for notifications until the connection fails; resyncs whenever a poll interval passes. */
    private void listen(PGConnection pg) throws SQLException {
        long nextPoll = System.nanoTime() + poll.toNanos();
        while (!closed) {
            // bounded so that close() is noticed within half a second (a blocked read cannot be interrupted)
            int waitMs = (int) Math.clamp((nextPoll - System.nanoTime()) / 1_000_000, 1, 500);
            PGNotification[] got = pg.getNotifications(waitMs);
            if (got != null) for (PGNotification n : got) notified.accept(n.getParameter());
            if (System.nanoTime() - nextPoll >= 0) {
                resync.run();
                nextPoll = System.nanoTime() + poll.toNanos();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
