package foresight.app.cli;

import foresight.app.eval.IntentEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures the spoken-intent classifier. */
@Command(name = "intent-eval", description = "Train the intent classifier on a text,category CSV and measure it on another; "
        + "last line 'accuracy=… macro_f1=… n=…' (plus ' wer=…' with --spoken).")
public final class IntentEvalCommand implements Callable<Integer> {
    @Option(names = "--train", required = true)
    Path train;

    @Option(names = "--test", required = true)
    Path test;

    @Option(names = "--spoken", description = "Synthesise each test sentence (or read the WAV named in the test CSV's 'audio' column), pass it through G.711 "
            + "and the configured open recogniser (speech.openRecogniser), classify what was recognised.")
    boolean spoken;

    @Option(names = "--limit", defaultValue = "0", description = "Use only N evenly spaced test rows (0 = all).")
    int limit;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        IntentEval.run(train, test, spoken, limit, configOption.load().speech(), System.out);
        return 0;
    }
}
