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
     * 90/10 split of the training rows (never on the test set) before training on all of them. With {@code spoken}:
     * {@code spokenTrain} evenly spaced rows of {@code --train} (0 = none, a negative number = all) are sent through the
     * same phone path as the test sentences and what the recogniser heard is learned as well (so the classifier learns
     * the recogniser's typical errors), optionally written to {@code spokenTrainOut} (a {@code text,category} CSV that
     * {@code extraTrain} reads back); {@code tuneSpokenWeight} chooses the spoken tf-idf weight on every tenth of those
     * heard rows, held out with its sentence, before training on all of them. {@code spokenNoise}: the word confusions
     * of those heard sentences ({@link AsrConfusions}) are applied to every other written training row, and that noised
     * copy is learned as well. {@code spokenTrainIn}: the heard sentences from an earlier {@code spokenTrainOut} of the same
     * {@code --train} file (row k of N = the k-th of N evenly spaced training rows) instead of recognising them again.
     * {@code heardTest}: the test texts are recognised speech already (an earlier run's transcripts): classified with the
     * spoken weight. {@code heardOut}: with {@code spoken}, what the recogniser heard for each test row is written there
     * ({@code text,category,reference}), so classifiers can be compared on it ({@code heardTest}) without recognising again.
     */
    public record Settings(List<Path> extraTrain, IntentClassifier.Options options, Double spokenTfidfWeight, boolean tuneWeight,
                           int spokenTrain, Path spokenTrainOut, boolean tuneSpokenWeight, boolean spokenNoise, Path spokenTrainIn, boolean heardTest, Path heardOut) {
        public static final Settings DEFAULT = new Settings(List.of(), IntentClassifier.Options.DEFAULT, null, false, 0, null, false, false, null, false, null);

        public Settings(List<Path> extraTrain, IntentClassifier.Options options, Double spokenTfidfWeight, boolean tuneWeight) {
            this(extraTrain, options, spokenTfidfWeight, tuneWeight, 0, null, false, false, null, false, null);
        }
    }

    private IntentEval() {}

    public static Result run(Path train, Path test, boolean spoken, int limit, ForesightConfig.Speech speech, PrintStream out) throws Exception {
        return run(train, test, spoken, limit, speech, Settings.DEFAULT, out);
    }

    public static Result run(Path train, Path test, boolean spoken, int limit, ForesightConfig.Speech speech, Settings settings, PrintStream out) throws Exception {
        if (!spoken) return run(train, test, false, limit, (PhonePath) null, settings, out);
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (SpeechRecognizer asr = SpeechRecognizers.load(speech, null, workers)) {
            return run(train, test, true, limit, new PhonePath(asr, workers), settings, out);
        }
    }

    private static Result run(Path train, Path test, boolean spoken, int limit, PhonePath phone, Settings settings, PrintStream out) throws Exception {
        var baseRows = CsvTable.read(train, "text", "category");
        var trainRows = new ArrayList<>(baseRows);
        for (Path extra : settings.extraTrain()) trainRows.addAll(CsvTable.read(extra, "text", "category"));
        var testRows = CsvTable.read(test, "text", "category");
        if (limit > 0 && testRows.size() > limit) {
            // Evenly spaced rows, not the first N: test files are often sorted by category.
            List<Map<String, String>> sample = new ArrayList<>(limit);
            for (int k = 0; k < limit; k++) sample.add(testRows.get((int) ((long) k * testRows.size() / limit)));
            testRows = sample;
        }
        double spokenWeight = settings.spokenTfidfWeight() != null ? settings.spokenTfidfWeight() : IntentClassifier.SPOKEN_TFIDF_WEIGHT;
        // Heard versions of training sentences: what the recogniser made of them, learned beside the written rows.
        List<Map<String, String>> heardRows = new ArrayList<>();
        List<Integer> heardSource = new ArrayList<>(); // index into trainRows of each heard row's written sentence
        if (settings.spokenTrainIn() != null) {
            heardRows.addAll(CsvTable.read(settings.spokenTrainIn(), "text", "category"));
            int n = heardRows.size();
            if (n > baseRows.size()) throw new IllegalArgumentException(settings.spokenTrainIn() + ": more rows (" + n + ") than " + train + " (" + baseRows.size() + ")");
            for (int k = 0; k < n; k++) {
                int i = (int) ((long) k * baseRows.size() / n);
                if (!baseRows.get(i).get("category").equals(heardRows.get(k).get("category"))) {
                    throw new IllegalArgumentException(settings.spokenTrainIn() + ":" + (k + 2) + ": category " + heardRows.get(k).get("category")
                            + " is not that of " + train + "'s row " + (i + 2) + " (" + baseRows.get(i).get("category") + "): not heard from this training file");
                }
                heardSource.add(i);
            }
            out.printf("spoken training: %d heard sentences read from %s; learned beside the written rows%n", n, settings.spokenTrainIn());
        } else if (spoken && settings.spokenTrain() != 0) {
            int n = settings.spokenTrain() < 0 ? baseRows.size() : Math.min(settings.spokenTrain(), baseRows.size());
            List<Map<String, String>> chosen = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int i = (int) ((long) k * baseRows.size() / n);
                chosen.add(baseRows.get(i));
                heardSource.add(i);
            }
            List<String> heard = new ArrayList<>();
            long spokenStart = System.nanoTime();
            phone.hear(chosen, train, heard, "training sentences heard");
            long errors = 0, refWords = 0;
            for (int k = 0; k < n; k++) {
                List<String> ref = words(chosen.get(k).get("text"));
                errors += editDistance(ref, words(heard.get(k)));
                refWords += ref.size();
                heardRows.add(Map.of("text", heard.get(k), "category", chosen.get(k).get("category")));
            }
            out.printf("spoken training: %d of %s's sentences through the phone path in %.1f s, wer=%.4f; learned beside the written rows%n",
                    n, train, (System.nanoTime() - spokenStart) / 1e9, refWords == 0 ? 0 : (double) errors / refWords);
            if (settings.spokenTrainOut() != null) {
                List<String> lines = new ArrayList<>();
                lines.add("text,category");
                for (var r : heardRows) lines.add(CsvTable.quote(r.get("text")) + "," + CsvTable.quote(r.get("category")));
                java.nio.file.Files.write(settings.spokenTrainOut(), lines, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        List<Map<String, String>> noisedRows = new ArrayList<>();
        if (settings.spokenNoise()) {
            if (heardRows.isEmpty()) throw new IllegalArgumentException("--spoken-noise needs heard training sentences (--spoken-train N)");
            List<String> said = new ArrayList<>(), heard = new ArrayList<>();
            for (int k = 0; k < heardRows.size(); k++) {
                said.add(baseRows.get(heardSource.get(k)).get("text"));
                heard.add(heardRows.get(k).get("text"));
            }
            AsrConfusions confusions = AsrConfusions.learn(said, heard);
            var heardSet = new java.util.HashSet<>(heardSource);
            var random = new java.util.Random(1);
            for (int i = 0; i < baseRows.size(); i++) {
                if (heardSet.contains(i)) continue;
                String noised = confusions.noise(baseRows.get(i).get("text"), random);
                if (!noised.isBlank()) noisedRows.add(Map.of("text", noised, "category", baseRows.get(i).get("category")));
            }
            out.printf("spoken noise: the recogniser's word confusions on the %d heard sentences applied to the other %d training rows%n",
                    heardRows.size(), noisedRows.size());
        }
        List<String> texts = new ArrayList<>(), labels = new ArrayList<>();
        for (var r : trainRows) { texts.add(r.get("text")); labels.add(r.get("category")); }
        for (var r : noisedRows) { texts.add(r.get("text")); labels.add(r.get("category")); }
        for (var r : heardRows) {
            if (r.get("text").isBlank()) continue; // nothing heard: nothing to learn
            texts.add(r.get("text"));
            labels.add(r.get("category"));
        }
        IntentClassifier.Options options = settings.options();
        if (settings.tuneWeight()) options = options.withTfidfWeight(WeightChoice.choose(texts, labels, options, out));
        if (settings.tuneSpokenWeight()) {
            if (heardRows.isEmpty()) throw new IllegalArgumentException("--tune-spoken-weight needs heard training sentences (--spoken-train N)");
            spokenWeight = WeightChoice.chooseSpoken(trainRows, heardRows, heardSource, noisedRows, options, out);
        }
        java.time.Duration cpuBefore = cpuTime();
        IntentClassifier classifier = IntentClassifier.train(texts, labels, options);
        double trainCpuSeconds = cpuTime().minus(cpuBefore).toMillis() / 1e3;
        double trainSeconds = classifier.trainingTime().total().toNanos() / 1e9;
        for (int k = 0; k < Math.min(50, texts.size()); k++) classifier.classify(texts.get(k * texts.size() / Math.min(50, texts.size()))); // JIT warm-up, not measured
        List<String> truth = new ArrayList<>(), predicted = new ArrayList<>();
        List<Long> classifyNanos = new ArrayList<>(), classifyCpuNanos = new ArrayList<>();
        var cpuClock = java.lang.management.ManagementFactory.getThreadMXBean();
        long wordErrors = 0, words = 0, audioSamples = 0, asrNanos = 0;
        String recogniser = "", source = "FreeTTS";
        if (!spoken) {
            for (var row : testRows) {
                truth.add(row.get("category"));
                long s = System.nanoTime(), cpu = cpuClock.getCurrentThreadCpuTime();
                predicted.add((settings.heardTest() ? classifier.classify(row.get("text"), spokenWeight) : classifier.classify(row.get("text"))).label());
                classifyCpuNanos.add(cpuClock.getCurrentThreadCpuTime() - cpu);
                classifyNanos.add(System.nanoTime() - s);
            }
        } else {
            recogniser = phone.asr.openRecogniser();
            List<String> heardTexts = new ArrayList<>();
            for (var row : testRows) if (row.get("audio") != null && !row.get("audio").isBlank()) source = "audio files";
            long[] stats = phone.hear(testRows, test, heardTexts, "spoken");
            Path heardOut = settings.heardOut();
            if (heardOut != null) {
                List<String> lines = new ArrayList<>();
                lines.add("text,category,reference");
                for (int i = 0; i < testRows.size(); i++) lines.add(CsvTable.quote(heardTexts.get(i)) + "," + CsvTable.quote(testRows.get(i).get("category")) + "," + CsvTable.quote(testRows.get(i).get("text")));
                java.nio.file.Files.write(heardOut, lines, java.nio.charset.StandardCharsets.UTF_8);
            }
            audioSamples = stats[0];
            asrNanos = stats[1];
            for (int i = 0; i < testRows.size(); i++) {
                var row = testRows.get(i);
                String h = heardTexts.get(i);
                List<String> ref = words(row.get("text")), hyp = words(h);
                wordErrors += editDistance(ref, hyp);
                words += ref.size();
                truth.add(row.get("category"));
                long s = System.nanoTime(), cpu = cpuClock.getCurrentThreadCpuTime();
                predicted.add(classifier.classify(h, spokenWeight).label());
                classifyCpuNanos.add(cpuClock.getCurrentThreadCpuTime() - cpu);
                classifyNanos.add(System.nanoTime() - s);
            }
        }
        int n = truth.size(), correct = 0;
        for (int k = 0; k < n; k++) if (truth.get(k).equals(predicted.get(k))) correct++;
        double accuracy = n == 0 ? 0 : (double) correct / n, f1 = macroF1(truth, predicted);
        double wer = words == 0 ? 0 : (double) wordErrors / words;
        out.printf("intent-eval: train %s (%d rows%s), test %s (%d rows)%s, %d labels, trained in %.1f s%n", train, trainRows.size(),
                heardRows.isEmpty() ? "" : " + " + heardRows.size() + " heard" + (noisedRows.isEmpty() ? "" : " + " + noisedRows.size() + " noised"), test, n,
                spoken ? ", spoken through " + source + " -> G.711 -> " + recogniser : "", new TreeSet<>(truth).size(), trainSeconds);
        double p50 = percentileMs(classifyNanos, 0.50), p99 = percentileMs(classifyNanos, 0.99);
        out.printf("classifier: tf-idf LR + MiniLM-embedding LR, tfidf_weight=%.2f%s; training %.1f s (embedding %.1f s, %.1f s of CPU) on %d cores; "
                        + "classification p50_ms=%.2f p99_ms=%.2f per utterance (one thread; its CPU time p50_ms=%.2f p99_ms=%.2f); %s%n",
                options.tfidfWeight(), spoken || settings.heardTest() ? String.format(" (spoken %.2f)", spokenWeight) : "", trainSeconds,
                classifier.trainingTime().embedding().toNanos() / 1e9, trainCpuSeconds, Runtime.getRuntime().availableProcessors(), p50, p99,
                percentileMs(classifyCpuNanos, 0.50), percentileMs(classifyCpuNanos, 0.99), memory());
        if (spoken && audioSamples > 0) {
            out.printf(recogniser + " real-time factor: %.3f (%.1f s of audio in %.1f thread-seconds of recognition)%n",
                    asrNanos / 1e9 / (audioSamples / 8000.0), audioSamples / 8000.0, asrNanos / 1e9);
        }
        out.printf("accuracy=%.4f macro_f1=%.4f n=%d%s%n", accuracy, f1, n, spoken ? String.format(" wer=%.4f", wer) : "");
        return new Result(accuracy, f1, n, wer, trainSeconds, p50, p99);
    }

    /**
     * The phone path of the spoken evaluation: each row's sentence synthesised (FreeTTS, on the calling thread: it is
     * not thread-safe) — or read from the WAV named in its {@code audio} column, relative to {@code csv} — sent
     * through G.711 µ-law and recognised on one thread per core.
     */
    static final class PhonePath {
        final SpeechRecognizer asr;
        private final int workers;
        private final SpeechSynthesizer tts = new SpeechSynthesizer();

        PhonePath(SpeechRecognizer asr, int workers) {
            this.asr = asr;
            this.workers = workers;
        }

        /** Adds what the recogniser heard for each row to {@code heard}, in order; returns {audio samples, recognition nanoseconds}. */
        long[] hear(List<Map<String, String>> rows, Path csv, List<String> heard, String what) throws Exception {
            long audioSamples = 0, asrNanos = 0;
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(workers)) {
                List<long[]> timings = new ArrayList<>();
                List<java.util.concurrent.Future<String>> futures = new ArrayList<>();
                for (int r = 0; r < rows.size(); r++) {
                    var row = rows.get(r);
                    // At most a few hundred sentences of audio waiting: the whole training set would not fit in the heap.
                    if (r >= 256) {
                        futures.get(r - 256).get();
                        if ((r - 255) % 500 == 0) System.err.printf("intent-eval: %d/%d %s%n", r - 255, rows.size(), what);
                    }
                    String audio = row.get("audio");
                    short[] phone;
                    if (audio != null && !audio.isBlank()) {
                        Path wav = csv.toAbsolutePath().resolveSibling(audio);
                        if (!java.nio.file.Files.isRegularFile(wav)) throw new java.io.IOException(csv + ": audio file not found: " + wav);
                        phone = AsrEval.phonePath(wav);
                    } else {
                        short[] pcm = tts.synthesize(row.get("text"));
                        byte[] ulaw = new byte[pcm.length];
                        G711.encode(0, pcm, ulaw);
                        phone = G711.decode(0, ulaw, 0, ulaw.length);
                    }
                    audioSamples += phone.length;
                    long[] nanos = new long[1];
                    futures.add(pool.submit(() -> {
                        long s = System.nanoTime();
                        String h = String.join(" ", asr.transcribeOffline(phone).stream().map(w -> w.word()).toList());
                        nanos[0] = System.nanoTime() - s;
                        return h;
                    }));
                    timings.add(nanos);
                }
                for (int i = 0; i < rows.size(); i++) {
                    heard.add(futures.get(i).get());
                    asrNanos += timings.get(i)[0]; // visible: the task finished before get() returned
                }
            }
            return new long[] {audioSamples, asrNanos};
        }
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
