package foresight.app.eval;

import foresight.media.g711.G711;
import foresight.recording.wav.WavReader;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.asr.Word;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Word error rate of a recogniser on {@code DIR/*.wav} against {@code DIR/*.txt}, through the phone path: each file is
 * mixed to mono, resampled to 8 kHz, G.711 µ-law encoded and decoded, then transcribed as a recording is (Moonshine:
 * VAD segments; Vosk: its pause splitter). One file at a time on this thread, so the per-file real-time factor is
 * that of one core (measured in thread CPU time). Words are compared lower-cased without punctuation, numerals spelled out ("30" = "thirty").
 */
public final class AsrEval {
    /**
     * The figures; {@code rtf} holds each file's recognition CPU time over its duration (CPU time, not wall time: on a
     * shared machine the wall clock measures the neighbours).
     */
    public record Result(double wer, int n, double audioSeconds, double cpuSeconds, double[] rtf) {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private AsrEval() {}

    public static Result run(Path dir, SpeechRecognizer asr, Path outCsv, PrintStream out) throws Exception {
        List<Path> wavs;
        try (Stream<Path> files = Files.list(dir)) {
            wavs = files.filter(p -> p.getFileName().toString().endsWith(".wav")).sorted().toList();
        }
        if (wavs.isEmpty()) throw new IOException(dir + ": no .wav files");
        List<String> missing = wavs.stream().map(AsrEval::reference).filter(p -> !Files.isRegularFile(p)).map(Path::toString).toList();
        if (!missing.isEmpty()) throw new IOException("no reference text for " + missing.size() + " file(s): " + String.join(", ", missing.subList(0, Math.min(5, missing.size()))));
        List<String> rows = new ArrayList<>();
        rows.add("file,hypothesis");
        long errors = 0, words = 0, cpuNanos = 0;
        double audioSeconds = 0;
        double[] rtf = new double[wavs.size()], wallRtf = new double[wavs.size()];
        for (int i = 0; i < wavs.size(); i++) {
            Path wav = wavs.get(i);
            short[] phone = phonePath(wav);
            double seconds = phone.length / 8000.0;
            long cpu0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            List<Word> heard = asr.transcribeOffline(phone);
            long wall = System.nanoTime() - t0, cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            cpuNanos += cpu;
            audioSeconds += seconds;
            rtf[i] = cpu / 1e9 / seconds;
            wallRtf[i] = wall / 1e9 / seconds;
            String hypothesis = String.join(" ", heard.stream().map(Word::word).toList());
            List<String> ref = words(Files.readString(reference(wav), StandardCharsets.UTF_8)), hyp = words(hypothesis);
            errors += IntentEval.editDistance(ref, hyp);
            words += ref.size();
            rows.add(csv(wav.getFileName().toString()) + "," + csv(hypothesis));
            if ((i + 1) % 25 == 0) System.err.printf("asr-eval: %d/%d%n", i + 1, wavs.size());
        }
        if (outCsv != null) Files.write(outCsv, rows, StandardCharsets.UTF_8);
        double[] sorted = rtf.clone(), wallSorted = wallRtf.clone();
        Arrays.sort(sorted);
        Arrays.sort(wallSorted);
        double wer = words == 0 ? 0 : (double) errors / words;
        out.printf("asr-eval: %s, %d files, open recogniser %s, phone path 8 kHz G.711 µ-law%n", dir, wavs.size(), asr.openRecogniser());
        out.printf(Locale.ROOT, "rtf_p50=%.4f rtf_p99=%.4f (recognition CPU time / audio time per file, one thread; wall clock p50 %.4f p99 %.4f)%n",
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(wallSorted, 0.50), percentile(wallSorted, 0.99));
        out.printf(Locale.ROOT, "wer=%.4f n=%d audio_s=%.1f cpu_s=%.1f%n", wer, wavs.size(), audioSeconds, cpuNanos / 1e9);
        return new Result(wer, wavs.size(), audioSeconds, cpuNanos / 1e9, rtf);
    }

    /** This process's resident memory (Linux {@code /proc/self/status}), in kB; 0 where unknown. */
    public static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static Path reference(Path wav) {
        String name = wav.getFileName().toString();
        return wav.resolveSibling(name.substring(0, name.length() - ".wav".length()) + ".txt");
    }

    /** The file as a phone call carries it: mono, 8 kHz, through G.711 µ-law. */
    static short[] phonePath(Path wav) throws IOException {
        var audio = WavReader.read(wav);
        short[][] ch = audio.channels();
        short[] mono = new short[ch[0].length];
        for (int i = 0; i < mono.length; i++) {
            int sum = 0;
            for (short[] c : ch) sum += c[i];
            mono[i] = (short) (sum / ch.length);
        }
        short[] pcm = PhoneResampler.to8k(mono, audio.sampleRateHz());
        byte[] ulaw = new byte[pcm.length];
        G711.encode(0, pcm, ulaw);
        return G711.decode(0, ulaw, 0, ulaw.length);
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

    /** Lower-case words without punctuation, numerals under 10,000 spelled out, longer digit runs digit by digit. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : IntentEval.words(text.replaceAll("(?<=\\d),(?=\\d{3})", ""))) {
            if (w.matches("\\d+")) out.addAll(spell(w));
            else out.add(w);
        }
        return out;
    }

    static List<String> spell(String digits) {
        List<String> out = new ArrayList<>();
        if (digits.length() > 4 || digits.startsWith("0") && digits.length() > 1) {
            for (char c : digits.toCharArray()) out.add(ONES[c - '0']);
            return out;
        }
        int n = Integer.parseInt(digits);
        if (n >= 1000) {
            out.add(ONES[n / 1000]);
            out.add("thousand");
            n %= 1000;
            if (n == 0) return out;
        }
        if (n >= 100) {
            out.add(ONES[n / 100]);
            out.add("hundred");
            n %= 100;
            if (n == 0) return out;
        }
        if (n < 20) out.add(ONES[n]);
        else {
            out.add(TENS[n / 10]);
            if (n % 10 != 0) out.add(ONES[n % 10]);
        }
        return out;
    }
}
