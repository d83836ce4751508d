package foresight.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;

/**
 * The PostgreSQL behind Foresight: embedded (started from a Maven jar, data kept on disk) or external.
 * Migrates the schema with Flyway on open. Thread-safe; close once at shutdown.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded; // null when an external server is used
    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final String url;
    private final String user;
    private final String password;

    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Duration keepOpenAtExit = Duration.ZERO;
    private final Thread exitHook;

    private Database(EmbeddedPostgres embedded, HikariDataSource dataSource, String url, String user, String password) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        // Our own exit hook instead of the embedded server's: JVM shutdown hooks run all at once, and the server's
        // stopped PostgreSQL while a draining node still had its last call rows to write (it then waited forever).
        this.exitHook = embedded == null ? null : new Thread(this::atExit, "foresight-db-exit");
        if (exitHook != null) Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /**
     * At JVM exit (SIGTERM) keep the embedded PostgreSQL up until {@link #close} is called, for at most {@code max}:
     * the owner (the server) drains its calls and writes their last rows first. Without it the database stops at once.
     */
    public void keepOpenAtExit(Duration max) { keepOpenAtExit = max; }

    private void atExit() {
        try {
            if (closed.await(keepOpenAtExit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.warn("event=db_stopped_at_exit waited_ms={}", keepOpenAtExit.toMillis());
        close();
    }

    /** Starts (if embedded) and migrates the database. Blocks for a few seconds on a cold start. */
    public static Database open(DatabaseConfig config) {
        long t0 = System.nanoTime();
        EmbeddedPostgres embedded = null;
        String url = config.url();
        String user = config.user();
        String password = config.password();
        try {
            if (config.embedded()) {
                Files.createDirectories(config.embeddedDataDir());
                stopOrphanedPostgres(config.embeddedDataDir());
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(config.embeddedDataDir())
                        .setCleanDataDirectory(false)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setRegisterShutdownHook(false) // ours, see the constructor
                        .start();
                url = embedded.getJdbcUrl("postgres", "postgres");
                user = "postgres";
                password = null;
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL in " + config.embeddedDataDir().toAbsolutePath(), e);
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(config.poolSize());
        hc.setPoolName("foresight-db");
        HikariDataSource ds = new HikariDataSource(hc);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        // The embedded server's port: a transcribe-worker on this machine can share it (database.url).
        log.info("event=db_ready embedded={} port={} ms={}", embedded != null, embedded == null ? "-" : embedded.getPort(), (System.nanoTime() - t0) / 1_000_000);
        return new Database(embedded, ds, url, user, password);
    }

    /**
     * The embedded PostgreSQL is a separate process: if Foresight was killed (crash, kill -9, power cut of the
     * JVM only), it keeps running and holds the data folder, and the next start would fail. A postmaster whose
     * parent is gone is ours and orphaned: stop it (SIGTERM = smart shutdown; SIGKILL after 15 s is safe too,
     * PostgreSQL recovers from its WAL). One whose parent lives belongs to another running Foresight: refuse.
     */
    static void stopOrphanedPostgres(java.nio.file.Path dataDir) {
        java.nio.file.Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
        } catch (IOException | RuntimeException e) {
            return; // unreadable lock file: PostgreSQL itself decides whether it is stale
        }
        var ph = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElse(null);
        if (ph == null || !ph.info().command().map(c -> c.endsWith("postgres")).orElse(false)) return; // stale pid file
        var parent = ph.parent().filter(ProcessHandle::isAlive).orElse(null);
        boolean orphaned = parent == null || parent.pid() == 1
                || !parent.info().command().map(c -> c.contains("java")).orElse(false);
        if (!orphaned) {
            throw new IllegalStateException("the database folder " + dataDir.toAbsolutePath() + " is in use by PostgreSQL pid " + pid
                    + " of another running Foresight (pid " + parent.pid() + "); stop that one first or set database.embeddedDataDir");
        }
        log.warn("event=orphaned_postgres_stopping pid={} data={} reason=previous_foresight_died", pid, dataDir);
        ph.destroy();
        try {
            ph.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ph.destroyForcibly();
            ph.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not stop orphaned PostgreSQL pid " + pid, e);
        }
    }

    public DSLContext dsl() { return dsl; }

    /**
     * A new connection outside the pool, for a session that lives long and holds session state (LISTEN). The caller
     * owns and closes it. Blocks while connecting.
     */
    public Connection openDedicatedConnection() throws java.sql.SQLException {
        var props = new java.util.Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        return java.sql.DriverManager.getConnection(url, props);
    }

    /** The embedded PostgreSQL's TCP port on localhost (user postgres), or -1 with an external server. */
    public int embeddedPort() { return embedded == null ? -1 : embedded.getPort(); }

    /** True when a trivial query answers within a second. */
    public boolean healthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook is running and returns once it sees us closed
            }
        }
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.warn("event=db_stop_failed", e);
            }
        }
        closed.countDown();
    }
}
