package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.flows.SimulatedCallers;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.customer.CustomerRepository;
import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.OperatorFiles;
import foresight.flows.model.FlowSet;

import java.nio.file.Path;
import java.time.Clock;

/** What simulate and test-flows share: loading a folder as validate does, the callers, and the classifier. */
final class OperatorFolder {
    private OperatorFolder() {}

    /** The loaded folder, or null after printing the same problems validate prints. */
    static FlowSet load(Path dir) {
        try {
            return OperatorFiles.load(dir);
        } catch (FlowLoadException e) {
            printErrors(e, dir);
            return null;
        }
    }

    static void printErrors(FlowLoadException e, Path dir) {
        for (FlowError err : e.errors()) System.err.println(err);
        System.err.printf("%d problem(s) in %s%n", e.errors().size(), dir);
    }

    /** Trains the ask node's classifier as a live version would (a few seconds); falls back to keywords as live calls do. */
    static void trainClassifier(FlowSet set) {
        try {
            set.intents().startTraining().join();
        } catch (RuntimeException e) {
            System.out.println("note: the ask classifier is unavailable (" + e.getMessage() + "); keywords decide, as on a live call");
        }
    }

    /** The configured database when one is set (database.url), else null: the demo customers are used. */
    static Database database(ForesightConfig config) {
        var d = config.database();
        if (d.url() == null || d.url().isBlank()) return null;
        return Database.open(new DatabaseConfig(d.url(), d.user(), d.password(), Path.of(d.embeddedDataDir()), 2));
    }

    static SimulatedCallers callers(FlowSet set, Database db) {
        return new SimulatedCallers(set, db == null ? null : new CustomerRepository(db.dsl()), Clock.systemUTC());
    }
}
