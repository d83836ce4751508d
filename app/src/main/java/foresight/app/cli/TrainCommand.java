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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
        Path tokenFile = Path.of(config.database().embeddedDataDir()).resolveSibling("admin-token");
        String token = System.getenv("FORESIGHT_TOKEN");
        if (token == null && Files.exists(tokenFile)) token = Files.readString(tokenFile).trim();
        if (token != null) {
            try {
                var resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.http().port() + "/api/predictor/retrain"))
                                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println("server: " + resp.body());
                return resp.statusCode() == 200 ? 0 : 1;
            } catch (java.net.ConnectException e) {
                // no server: train locally below
            }
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
