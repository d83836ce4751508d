package foresight.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One real (embedded) PostgreSQL per test JVM instead of one per test class: starting, initdb-ing and stopping a
 * server cost 2–6 s a class on the 2-core machine, most of the unit suite's database time. Each caller gets its own
 * new database, a copy of one migrated once ({@code CREATE DATABASE … TEMPLATE}, tens of milliseconds), so classes
 * still see only their own rows. The server stops when the JVM exits (Surefire's fork ends).
 *
 * <p>Tests that are about the embedded server itself (its data folder, orphan handling, restart) keep opening
 * {@link Database} with an {@code embeddedDataDir}; everything else opens {@link #newDatabase}.
 */
public final class SharedPostgres {
    private static final String TEMPLATE = "foresight_migrated";
    private static final ReentrantLock lock = new ReentrantLock();
    private static final AtomicInteger created = new AtomicInteger();
    private static EmbeddedPostgres server; // started by the first caller under lock; closed by its own JVM exit hook

    private SharedPostgres() {}

    /**
     * The configuration of a new, migrated, empty database on the shared server: open it with
     * {@link Database#open} (as often as needed: it is the same database each time, data kept) or write its
     * {@code url}/{@code user} into a {@code foresight.yml} for the command line.
     */
    public static DatabaseConfig newDatabase(int poolSize) {
        lock.lock();
        try {
            if (server == null) server = start();
            String name = "test_" + created.incrementAndGet();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
            }
            return new DatabaseConfig(server.getJdbcUrl("postgres", name), "postgres", null, null, poolSize);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test database on the shared PostgreSQL", e);
        } finally {
            lock.unlock();
        }
    }

    /** {@link Database#open} on {@link #newDatabase}. */
    public static Database open(int poolSize) {
        return Database.open(newDatabase(poolSize));
    }

    private static EmbeddedPostgres start() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); // temporary data folder, removed at exit
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + TEMPLATE);
            }
            // Migrated once; a template may have no open connections while it is copied, so Flyway's is closed here.
            Flyway.configure().dataSource(pg.getJdbcUrl("postgres", TEMPLATE), "postgres", null)
                    .locations("classpath:db/migration").load().migrate();
            return pg;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start the shared test PostgreSQL", e);
        }
    }
}
