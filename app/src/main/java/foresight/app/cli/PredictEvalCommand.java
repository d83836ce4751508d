package foresight.app.cli;

import foresight.app.eval.PredictEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures issue prediction on a history folder. */
@Command(name = "predict-eval", description = "Train on the first 80 % of DIR/calls.csv (by time), predict the rest from earlier history only; "
        + "prints baselines, the model, and 'top1=… top3=… n=… p99_ms=…' last.")
public final class PredictEvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Folder with customers.csv, events.csv, calls.csv")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PredictEval.run(dir, System.out);
        return 0;
    }
}
