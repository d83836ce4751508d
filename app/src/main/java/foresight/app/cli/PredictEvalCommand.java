package foresight.app.cli;

import foresight.app.eval.PredictEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures issue prediction on a history folder. Bad input: one line on stderr, exit 2. */
@Command(name = "predict-eval", description = "Train on the first 80 % of DIR/calls.csv (by time; its newest fifth validates), predict the rest "
        + "from earlier history only; prints baselines, the model, oracle_top1 when DIR/oracle.csv exists (model_expected_top1 too "
        + "when it has p_REASON columns: the true probability of the model's first choice, averaged), and "
        + "'top1=… top3=… n=… p99_ms=… confirm_precision=… confirm_coverage=…' last. Events later than a call are ignored for that call.")
public final class PredictEvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Folder with customers.csv, events.csv, calls.csv (and optionally oracle.csv)")
    Path dir;

    @Option(names = "--predictions", description = "Write call_id,predicted,confidence,second,third,asked per test call to this file")
    Path predictions;

    @Override
    public Integer call() {
        try {
            PredictEval.run(dir, System.out, predictions);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("predict-eval: " + e.getMessage());
            return 2;
        }
    }
}
