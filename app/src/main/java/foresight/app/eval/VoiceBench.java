package foresight.app.eval;

import foresight.media.g711.G711;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.tts.FestivalVoice;
import foresight.speech.tts.Kevin16Voice;
import foresight.speech.tts.Voice;
import foresight.speech.tts.VoiceName;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the prompt voices on the same sentences: synthesis time per sentence (p50/p99, one synthesiser, nothing
 * cached) and, when a Vosk model is given, the word error rate of Vosk on each voice through the phone path
 * (8 kHz → G.711 µ-law → 8 kHz). A clearer voice is one a recogniser (and a caller) gets right more often.
 */
public final class VoiceBench {
    public record Result(String voice, int sentences, double p50Ms, double p99Ms, double realTimeFactor, double wer) {}

    private VoiceBench() {}

    public static List<Result> run(Path sentencesCsv, int limit, int rounds, List<VoiceName> voices, Path modelDir, PrintStream out) throws Exception {
        var rows = CsvTable.read(sentencesCsv, "text");
        if (limit > 0 && rows.size() > limit) {
            List<Map<String, String>> sample = new ArrayList<>(limit);
            for (int k = 0; k < limit; k++) sample.add(rows.get((int) ((long) k * rows.size() / limit)));
            rows = sample;
        }
        List<String> texts = rows.stream().map(r -> r.get("text")).toList();
        List<Result> results = new ArrayList<>();
        try (SpeechRecognizer asr = modelDir == null ? null : new SpeechRecognizer(modelDir, 1)) {
            for (VoiceName name : voices) {
                try (Voice voice = open(name)) {
                    voice.synthesize("Thank you for calling."); // first-use costs (class loading, JIT) are not per prompt
                    List<Double> ms = new ArrayList<>();
                    List<short[]> audio = new ArrayList<>();
                    long samples = 0;
                    for (int r = 0; r < rounds; r++) {
                        for (String t : texts) {
                            String text = r == 0 ? t : t + " " + "Round " + (r + 1) + "."; // different text each round: no engine-side reuse
                            long t0 = System.nanoTime();
                            short[] pcm = voice.synthesize(text);
                            ms.add((System.nanoTime() - t0) / 1e6);
                            samples += pcm.length;
                            if (r == 0) audio.add(pcm);
                        }
                    }
                    double wer = Double.NaN;
                    if (asr != null) {
                        long errors = 0, words = 0;
                        for (int i = 0; i < texts.size(); i++) {
                            short[] pcm = audio.get(i);
                            byte[] ulaw = new byte[pcm.length];
                            G711.encode(0, pcm, ulaw);
                            String heard = String.join(" ", asr.transcribeOffline(G711.decode(0, ulaw, 0, ulaw.length)).stream().map(w -> w.word()).toList());
                            List<String> ref = IntentEval.words(texts.get(i)), hyp = IntentEval.words(heard);
                            errors += IntentEval.editDistance(ref, hyp);
                            words += ref.size();
                            out.printf("voice-bench: %s \"%s\" -> \"%s\"%n", name.configName(), texts.get(i), heard);
                        }
                        wer = words == 0 ? 0 : (double) errors / words;
                    }
                    double total = ms.stream().mapToDouble(Double::doubleValue).sum();
                    var res = new Result(name.configName(), texts.size(), percentile(ms, 50), percentile(ms, 99), total / 1000 / (samples / 8000.0), wer);
                    results.add(res);
                    out.printf("voice=%s n=%d synth_p50_ms=%.0f synth_p99_ms=%.0f rtf=%.3f%s%n", res.voice(), ms.size(), res.p50Ms(), res.p99Ms(),
                            res.realTimeFactor(), Double.isNaN(wer) ? "" : String.format(" vosk_wer=%.4f", wer));
                }
            }
        }
        return results;
    }

    private static Voice open(VoiceName name) throws java.io.IOException {
        return switch (name) {
            case FESTIVAL_SLT -> FestivalVoice.slt(1);
            case KEVIN16 -> new Kevin16Voice();
        };
    }

    static double percentile(List<Double> values, int p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) return 0;
        int idx = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }
}
