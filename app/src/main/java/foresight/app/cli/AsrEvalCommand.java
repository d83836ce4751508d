package foresight.app.cli;

import foresight.app.SpeechRecognizers;
import foresight.app.eval.AsrEval;
import foresight.speech.asr.SpeechRecognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures a recogniser's word error rate through the phone path. */
@Command(name = "asr-eval", description = "Transcribe DIR/*.wav through the phone path (8 kHz G.711) and score against DIR/*.txt; "
        + "last line 'wer=… n=… audio_s=… cpu_s=…'.")
public final class AsrEvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of NAME.wav files, each with its reference NAME.txt.")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE", description = "Write one row per file, 'file,hypothesis' (CSV).")
    Path out;

    @Option(names = "--recogniser", paramLabel = "moonshine|vosk", description = "Override speech.openRecogniser.")
    String recogniser;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            System.err.println("asr-eval: " + dir + ": not a folder");
            return 2;
        }
        if (recogniser != null && !recogniser.equals("moonshine") && !recogniser.equals("vosk")) {
            System.err.println("asr-eval: --recogniser must be moonshine or vosk, was '" + recogniser + "'");
            return 2;
        }
        long rss0 = AsrEval.rssKb();
        try (SpeechRecognizer asr = SpeechRecognizers.load(configOption.load().speech(), recogniser, 1)) {
            System.out.printf("models loaded: process RSS +%d MB%n", (AsrEval.rssKb() - rss0) / 1024);
            AsrEval.run(dir, asr, out, System.out);
            System.err.printf("asr-eval: process RSS at the end +%d MB over the start (models + recogniser)%n", (AsrEval.rssKb() - rss0) / 1024);
        } catch (java.io.IOException e) {
            System.err.println("asr-eval: " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
