package foresight.app.cli;

import foresight.app.eval.ForecastEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The week ahead: calls per day, the busiest 15 minutes and the agents Erlang C says it needs. */
@Command(name = "forecast", description = "Forecast the week after CALLS.csv per 15 minutes and the agents needed (Erlang C).")
public final class ForecastCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "CSV with an ISO-8601 started_at column")
    Path calls;

    @Option(names = "--aht", defaultValue = "300", description = "Average handle time in seconds (default ${DEFAULT-VALUE})")
    double aht;

    @Option(names = "--target", defaultValue = "0.8", description = "Service level target, share answered in time (default ${DEFAULT-VALUE})")
    double target;

    @Option(names = "--within", defaultValue = "20", description = "...within this many seconds (default ${DEFAULT-VALUE})")
    double within;

    @Override
    public Integer call() throws Exception {
        try {
            ForecastEval.forecast(calls, aht, target, within, System.out);
            return 0;
        } catch (java.io.IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
