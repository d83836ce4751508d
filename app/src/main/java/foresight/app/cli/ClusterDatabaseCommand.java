package foresight.app.cli;

import foresight.db.Database;
import foresight.db.DatabaseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The local cluster's one PostgreSQL (scripts/cluster): the embedded server, migrated, kept running for the nodes and
 * Kamailio until SIGTERM. Optionally creates Kamailio's database from the SQL files its Debian package ships.
 */
@Command(name = "cluster-db", description = "Run the embedded PostgreSQL alone, for several nodes and Kamailio on this machine "
        + "(scripts/cluster up). Prints its port; stop with SIGTERM.")
public final class ClusterDatabaseCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Data folder (default: data/cluster/pg).", defaultValue = "data/cluster/pg")
    Path data;

    @Option(names = "--kamailio-sql", description = "Folder of Kamailio's PostgreSQL scripts; creates database 'kamailio' with "
            + "standard-create.sql and usrloc-create.sql when it is missing (default: none).")
    Path kamailioSql;

    @Option(names = "--port-file", description = "Write the port here once the database is ready.")
    Path portFile;

    @Override
    public Integer call() throws Exception {
        var db = Database.open(new DatabaseConfig(null, null, null, data, 2));
        int port = db.embeddedPort();
        if (kamailioSql != null) createKamailioDatabase(port);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            db.close();
            stopped.countDown();
        }, "shutdown"));
        if (portFile != null) Files.writeString(portFile, port + "\n");
        System.out.println("cluster-db ready: jdbc:postgresql://127.0.0.1:" + port + "/postgres (user postgres). Stop with SIGTERM.");
        stopped.await();
        return 0;
    }

    private void createKamailioDatabase(int port) throws Exception {
        String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", null)) {
            try (var rs = c.createStatement().executeQuery("select 1 from pg_database where datname = 'kamailio'")) {
                if (rs.next()) return;
            }
            c.createStatement().execute("create database kamailio");
        }
        try (Connection k = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/kamailio", "postgres", null)) {
            for (String f : new String[]{"standard-create.sql", "usrloc-create.sql"}) {
                Path sql = kamailioSql.resolve(f);
                if (!Files.exists(sql)) throw new IllegalStateException(sql + ":1: missing (is kamailio-postgres-modules installed?)");
                try {
                    k.createStatement().execute(Files.readString(sql));
                } catch (SQLException e) {
                    throw new IllegalStateException(sql + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
