package foresight.app.cli;

import foresight.app.eval.VoiceBench;
import foresight.speech.tts.VoiceName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** Compares the prompt voices: synthesis time per prompt and how well Vosk hears each through G.711. */
@Command(name = "voice-bench", description = "Synthesise the sentences of a CSV (column 'text') with each voice: synthesis time p50/p99 and, "
        + "with --wer, Vosk's word error rate on each voice through G.711; one line 'voice=… synth_p50_ms=… synth_p99_ms=… [vosk_wer=…]' per voice.")
public final class VoiceBenchCommand implements Callable<Integer> {
    @Option(names = "--sentences", required = true, description = "CSV with a 'text' column, e.g. the BANKING77 dev set.")
    Path sentences;

    @Option(names = "--limit", defaultValue = "20", description = "Use N evenly spaced rows (default ${DEFAULT-VALUE}; 0 = all).")
    int limit;

    @Option(names = "--rounds", defaultValue = "3", description = "Times each sentence is synthesised (varied, never cached) for the timings (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--voices", defaultValue = "festival-slt,kevin16", description = "Voices to compare (default ${DEFAULT-VALUE}).")
    String voices;

    @Option(names = "--wer", description = "Also recognise each voice's audio with the configured Vosk model (speech.modelDir).")
    boolean wer;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        List<VoiceName> names = Arrays.stream(voices.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(VoiceName::parse).toList();
        VoiceBench.run(sentences, limit, Math.max(1, rounds), names, wer ? Path.of(configOption.load().speech().modelDir()) : null, System.out);
        return 0;
    }
}
