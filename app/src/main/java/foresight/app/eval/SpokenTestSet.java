package foresight.app.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes a spoken test set for {@code asr-eval}: N evenly spaced sentences of a CSV's {@code text} column, each spoken
 * by every given espeak-ng voice, as {@code NNN-VOICE.wav} (espeak-ng's 22,050 Hz) beside {@code NNN-VOICE.txt}.
 */
public final class SpokenTestSet {
    private SpokenTestSet() {}

    /** Writes the set into {@code dir} (created); returns the number of WAV files. */
    public static int write(Path csv, int n, List<String> voices, Path dir) throws IOException, InterruptedException {
        List<Map<String, String>> rows = CsvTable.read(csv, "text");
        if (n <= 0 || n > rows.size()) n = rows.size();
        Files.createDirectories(dir);
        int files = 0;
        for (int k = 0; k < n; k++) {
            String text = rows.get((int) ((long) k * rows.size() / n)).get("text").trim();
            for (String voice : voices) {
                String name = String.format("%03d-%s", k, voice.replaceAll("[^A-Za-z0-9+-]", "_"));
                Path wav = dir.resolve(name + ".wav");
                run(List.of("espeak-ng", "-v", voice, "-w", wav.toString(), text));
                Files.writeString(dir.resolve(name + ".txt"), text + "\n", StandardCharsets.UTF_8);
                files++;
            }
        }
        return files;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + " (scripts/install-test-tools installs it): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
}
