package foresight.app.cli;

import foresight.app.eval.ForecastEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures the 15-minute arrival forecast against the naive same-interval-last-week forecast. */
@Command(name = "forecast-eval", description = "Hold out the last 7 days of CALLS.csv (column started_at), forecast each 15-minute interval, "
        + "print the MAPE against the naive forecast. Last line: mape=… naive_mape=… intervals=N")
public final class ForecastEvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "CSV with an ISO-8601 started_at column, e.g. the calls.csv demo-data writes")
    Path calls;

    @Override
    public Integer call() throws Exception {
        try {
            ForecastEval.run(calls, System.out);
            return 0;
        } catch (java.io.IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
