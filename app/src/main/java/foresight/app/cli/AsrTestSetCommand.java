package foresight.app.cli;

import foresight.app.eval.SpokenTestSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Makes a spoken test set for asr-eval with espeak-ng. */
@Command(name = "asr-testset", description = "Speak N evenly spaced sentences of a CSV's 'text' column with espeak-ng voices into DIR "
        + "(NNN-VOICE.wav + NNN-VOICE.txt), for asr-eval.")
public final class AsrTestSetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(names = "--from", required = true, paramLabel = "CSV", description = "A CSV with a 'text' column (e.g. BANKING77 dev).")
    Path csv;

    @Option(names = "--n", defaultValue = "50", description = "Sentences (0 = all).")
    int n;

    @Option(names = "--voices", defaultValue = "en-us,en-gb", split = ",", description = "espeak-ng voices, each speaking every sentence.")
    List<String> voices;

    @Override
    public Integer call() throws Exception {
        int files = SpokenTestSet.write(csv, n, voices, dir);
        System.out.printf("asr-testset: %d files in %s%n", files, dir);
        return 0;
    }
}
