package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.flows.FlowVersions;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.flow.FlowVersionRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Makes an earlier live version of the operator files live again. With a server running, asks it (admin token);
 * otherwise rewrites the folder here and records the rollback in the database. The files' git history is not
 * touched: the rewrite is an ordinary edit an operator can commit or undo.
 */
@Command(name = "rollback", description = "Make an earlier version of the operator files live again (a version from /flows/versions, or a unique prefix). "
        + "The operator folder's YAML files are rewritten (hot reload makes them live) and the rollback is recorded; an unknown version is refused.")
public final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The version (content hash) to go back to")
    String version;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        if (!version.matches("[0-9a-f]{1,32}")) {
            System.err.println("unknown version '" + version + "': versions are hex content hashes (see /flows/versions)");
            return 1;
        }
        var resp = RunningServer.call(config, "POST", "/api/flows/rollback/" + version, Duration.ofSeconds(30));
        if (resp.isPresent()) {
            boolean ok = resp.get().statusCode() == 200;
            (ok ? System.out : System.err).println("server: " + resp.get().body());
            return ok ? 0 : 1;
        }
        var d = config.database();
        try (Database db = Database.open(new DatabaseConfig(d.url() == null || d.url().isBlank() ? null : d.url(), d.user(), d.password(),
                Path.of(d.embeddedDataDir()), 2))) {
            var versions = new FlowVersions(Path.of(config.operator().dir()), new FlowVersionRepository(db.dsl()), Clock.systemUTC());
            var v = versions.rollback(version, "cli");
            System.out.println("rolled back " + config.operator().dir() + " to version " + v.version() + " (first live " + v.liveAt()
                    + "); no server running: it goes live when the server starts");
            return 0;
        } catch (FlowVersions.UnknownVersionException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
