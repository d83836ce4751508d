package foresight.app.eval;

import foresight.app.SpeechRecognizers;
import foresight.app.config.ForesightConfig;
import foresight.media.g711.G711;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.intent.IntentClassifier;
import foresight.speech.tts.SpeechSynthesizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Measures the spoken-intent classifier on any {@code text,category} CSV pair: accuracy and macro-F1 on the
 * text; with {@code spoken}, each test sentence is synthesised (FreeTTS) — or, when the test CSV has an {@code audio}
 * column, read from that WAV file (path relative to the CSV) so voices made elsewhere can be measured — sent through
 * G.711 µ-law like a phone call, recognised (the configured open recogniser: Moonshine or Vosk) and the recognised
 * words classified, adding the word error rate.
 */
public final class IntentEval {
    /** The figures; latencies are per classified utterance, on one thread. */
    public record Result(double accuracy, double macroF1, int n, double wer, double trainSeconds, double p50Ms, double p99Ms) {}

    /**
     * What to train on beyond {@code --train}: {@code extraTrain} CSVs (e.g. the recogniser's transcripts of the
     * training sentences), the classifier's options, and {@code tuneWeight} to choose the tf-idf weight on a
     * 90/10 split of the training rows (never on the test set) before training on all of them.
     */
    public record Settings(List<Path> extraTrain, IntentClassifier.Options options, Double spokenTfidfWeight, boolean tuneWeight) {
        public static final Settings DEFAULT = new Settings(List.of(), IntentClassifier.Options.DEFAULT, null, false);
    }

    private IntentEval() {}

    public static Result run(Path train, Path test, boolean spoken, int limit, ForesightConfig.Speech speech, PrintStream out) throws Exception {
        return run(train, test, spoken, limit, speech, Settings.DEFAULT, out);
    }

    public static Result run(Path train, Path test, boolean spoken, int limit, ForesightConfig.Speech speech, Settings settings, PrintStream out) throws Exception {
        var trainRows = new ArrayList<>(CsvTable.read(train, "text", "category"));
        for (Path extra : settings.extraTrain()) trainRows.addAll(CsvTable.read(extra, "text", "category"));
        var testRows = CsvTable.read(test, "text", "category");
        if (limit > 0 && testRows.size() > limit) {
            // Evenly spaced rows, not the first N: test files are often sorted by category.
            List<Map<String, String>> sample = new ArrayList<>(limit);
            for (int k = 0; k < limit; k++) sample.add(testRows.get((int) ((long) k * testRows.size() / limit)));
            testRows = sample;
        }
        List<String> texts = trainRows.stream().map(r -> r.get("text")).toList(), labels = trainRows.stream().map(r -> r.get("category")).toList();
        IntentClassifier.Options options = settings.options();
        if (settings.tuneWeight()) options = options.withTfidfWeight(WeightChoice.choose(texts, labels, options, out));
        java.time.Duration cpuBefore = cpuTime();
        IntentClassifier classifier = IntentClassifier.train(texts, labels, options);
        double trainCpuSeconds = cpuTime().minus(cpuBefore).toMillis() / 1e3;
        double trainSeconds = classifier.trainingTime().total().toNanos() / 1e9;
        for (int k = 0; k < Math.min(50, texts.size()); k++) classifier.classify(texts.get(k * texts.size() / Math.min(50, texts.size()))); // JIT warm-up, not measured
        double spokenWeight = settings.spokenTfidfWeight() != null ? settings.spokenTfidfWeight() : IntentClassifier.SPOKEN_TFIDF_WEIGHT;
        List<String> truth = new ArrayList<>(), predicted = new ArrayList<>();
        List<Long> classifyNanos = new ArrayList<>(), classifyCpuNanos = new ArrayList<>();
        var cpuClock = java.lang.management.ManagementFactory.getThreadMXBean();
        long wordErrors = 0, words = 0, audioSamples = 0, asrNanos = 0;
        String recogniser = "", source = "FreeTTS";
        if (!spoken) {
            for (var row : testRows) {
                truth.add(row.get("category"));
                long s = System.nanoTime(), cpu = cpuClock.getCurrentThreadCpuTime();
                predicted.add(classifier.classify(row.get("text")).label());
                classifyCpuNanos.add(cpuClock.getCurrentThreadCpuTime() - cpu);
                classifyNanos.add(System.nanoTime() - s);
            }
        } else {
            // FreeTTS synthesises on this thread (it is not thread-safe); Vosk recognises on one thread per core.
            int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
            SpeechSynthesizer tts = new SpeechSynthesizer();
            try (SpeechRecognizer asr = SpeechRecognizers.load(speech, null, workers);
                 var pool = java.util.concurrent.Executors.newFixedThreadPool(workers)) {
                List<long[]> timings = new ArrayList<>(); // recognition time per row, set by its task
                List<java.util.concurrent.Future<String>> heard = new ArrayList<>();
                recogniser = asr.openRecogniser();
                for (var row : testRows) {
                    String audio = row.get("audio");
                    short[] phone;
                    if (audio != null && !audio.isBlank()) {
                        source = "audio files";
                        Path wav = test.toAbsolutePath().resolveSibling(audio);
                        if (!java.nio.file.Files.isRegularFile(wav)) throw new java.io.IOException(test + ": audio file not found: " + wav);
                        phone = AsrEval.phonePath(wav);
                    } else {
                        short[] pcm = tts.synthesize(row.get("text"));
                        byte[] ulaw = new byte[pcm.length];
                        G711.encode(0, pcm, ulaw);
                        phone = G711.decode(0, ulaw, 0, ulaw.length);
                    }
                    audioSamples += phone.length;
                    long[] nanos = new long[1];
                    heard.add(pool.submit(() -> {
                        long s = System.nanoTime();
                        String h = String.join(" ", asr.transcribeOffline(phone).stream().map(w -> w.word()).toList());
                        nanos[0] = System.nanoTime() - s;
                        return h;
                    }));
                    timings.add(nanos);
                }
                for (int i = 0; i < testRows.size(); i++) {
                    var row = testRows.get(i);
                    String h = heard.get(i).get();
                    asrNanos += timings.get(i)[0]; // visible: the task finished before get() returned
                    List<String> ref = words(row.get("text")), hyp = words(h);
                    wordErrors += editDistance(ref, hyp);
                    words += ref.size();
                    truth.add(row.get("category"));
                    long s = System.nanoTime(), cpu = cpuClock.getCurrentThreadCpuTime();
                    predicted.add(classifier.classify(h, spokenWeight).label());
                    classifyCpuNanos.add(cpuClock.getCurrentThreadCpuTime() - cpu);
                    classifyNanos.add(System.nanoTime() - s);
                    if ((i + 1) % 100 == 0) System.err.printf("intent-eval: %d/%d spoken%n", i + 1, testRows.size());
                }
            }
        }
        int n = truth.size(), correct = 0;
        for (int k = 0; k < n; k++) if (truth.get(k).equals(predicted.get(k))) correct++;
        double accuracy = n == 0 ? 0 : (double) correct / n, f1 = macroF1(truth, predicted);
        double wer = words == 0 ? 0 : (double) wordErrors / words;
        out.printf("intent-eval: train %s (%d rows), test %s (%d rows)%s, %d labels, trained in %.1f s%n", train, trainRows.size(), test, n,
                spoken ? ", spoken through " + source + " -> G.711 -> " + recogniser : "", new TreeSet<>(truth).size(), trainSeconds);
        double p50 = percentileMs(classifyNanos, 0.50), p99 = percentileMs(classifyNanos, 0.99);
        out.printf("classifier: tf-idf LR + MiniLM-embedding LR, tfidf_weight=%.2f%s; training %.1f s (embedding %.1f s, %.1f s of CPU) on %d cores; "
                        + "classification p50_ms=%.2f p99_ms=%.2f per utterance (one thread; its CPU time p50_ms=%.2f p99_ms=%.2f); %s%n",
                options.tfidfWeight(), spoken ? String.format(" (spoken %.2f)", spokenWeight) : "", trainSeconds,
                classifier.trainingTime().embedding().toNanos() / 1e9, trainCpuSeconds, Runtime.getRuntime().availableProcessors(), p50, p99,
                percentileMs(classifyCpuNanos, 0.50), percentileMs(classifyCpuNanos, 0.99), memory());
        if (spoken && audioSamples > 0) {
            out.printf(recogniser + " real-time factor: %.3f (%.1f s of audio in %.1f thread-seconds of recognition)%n",
                    asrNanos / 1e9 / (audioSamples / 8000.0), audioSamples / 8000.0, asrNanos / 1e9);
        }
        out.printf("accuracy=%.4f macro_f1=%.4f n=%d%s%n", accuracy, f1, n, spoken ? String.format(" wer=%.4f", wer) : "");
        return new Result(accuracy, f1, n, wer, trainSeconds, p50, p99);
    }

    /** CPU time this process has used so far (all threads): training time as an idle machine would see it. */
    private static java.time.Duration cpuTime() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    static double percentileMs(List<Long> nanos, double q) {
        if (nanos.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    /** Resident set size (Linux) and live heap after a collection: what the trained classifier costs in memory. */
    private static String memory() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        String rss = "?";
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) rss = String.valueOf(Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
            }
        } catch (IOException | RuntimeException e) {
            rss = "?"; // not Linux: the heap figure still stands
        }
        return "rss_mb=" + rss + " heap_mb=" + heapMb;
    }

    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    static int editDistance(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1], cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) prev[j] = j;
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.size()];
    }

    /** The mean over labels seen in the test set of per-label F1. */
    static double macroF1(List<String> truth, List<String> predicted) {
        Map<String, int[]> c = new HashMap<>(); // tp, fp, fn
        for (int i = 0; i < truth.size(); i++) {
            String t = truth.get(i), p = predicted.get(i);
            if (t.equals(p)) c.computeIfAbsent(t, k -> new int[3])[0]++;
            else {
                c.computeIfAbsent(p, k -> new int[3])[1]++;
                c.computeIfAbsent(t, k -> new int[3])[2]++;
            }
        }
        double sum = 0;
        int labels = 0;
        for (String label : new TreeSet<>(truth)) {
            int[] x = c.getOrDefault(label, new int[3]);
            double precision = x[0] + x[1] == 0 ? 0 : (double) x[0] / (x[0] + x[1]);
            double recall = x[0] + x[2] == 0 ? 0 : (double) x[0] / (x[0] + x[2]);
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            labels++;
        }
        return labels == 0 ? 0 : sum / labels;
    }
}
