package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.learn.PredictorTraining;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.call.CallRepository;
import foresight.db.customer.CustomerRepository;
import foresight.speech.predict.CallReasonPredictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Retrains the issue predictor from the calls in the database. With a server running, asks it to retrain (the
 * new model goes live at once); otherwise trains here to report what the data supports (the server trains again
 * when it starts).
 */
@Command(name = "train", description = "Retrain the issue predictor from calls whose reason is known.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        var resp = RunningServer.call(config, "POST", "/api/predictor/retrain", Duration.ofMinutes(5));
        if (resp.isPresent()) {
            System.out.println("server: " + resp.get().body());
            return resp.get().statusCode() == 200 ? 0 : 1;
        }
        var d = config.database();
        try (Database db = Database.open(new DatabaseConfig(d.url() == null || d.url().isBlank() ? null : d.url(), d.user(), d.password(), Path.of(d.embeddedDataDir()), 2))) {
            var summary = new PredictorTraining(new CallRepository(db.dsl()), new CustomerRepository(db.dsl()), new CallReasonPredictor(),
                    config.prediction().minExamples(), Clock.systemUTC()).trainNow();
            System.out.println("no server running; trained here: " + summary + " (the server retrains when it starts)");
        }
        return 0;
    }
}
