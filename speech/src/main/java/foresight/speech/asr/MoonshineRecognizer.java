package foresight.speech.asr;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moonshine speech recognition (int8 ONNX encoder + merged decoder, 16 kHz English) on ONNX Runtime, decoding
 * greedily with the KV cache exactly as the npm package's {@code src/model.ts}: start token 1, stop at token 2 or
 * after 6 tokens per second of audio. Not streaming: give it one segment of speech at a time (the VAD finds them).
 * Each segment is padded with {@link #PAD_MS} of silence at both ends (short clips come back empty without it).
 * Thread-safe: ONNX Runtime sessions run concurrently; every call blocks its thread and uses one core.
 */
public final class MoonshineRecognizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MoonshineRecognizer.class);
    public static final int SAMPLE_RATE_HZ = 16000;
    static final int PAD_MS = 300;
    private static final long START_TOKEN = 1;
    private static final long END_TOKEN = 2;
    /** Below this probability of ending at the first step, Moonshine's end is not taken first (see decode). */
    static final double UNSURE_END = 0.8;
    private static final int TOKENS_PER_SECOND = 6;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final MoonshineVocabulary vocabulary;
    private final List<String> pastNames = new ArrayList<>(); // past_key_values.{layer}.{decoder|encoder}.{key|value}
    private final Map<String, long[]> emptyPastShape = new HashMap<>();
    private final String encoderInput;
    private final String encoderOutput;

    /**
     * Loads {@code encoder_model.onnx} and {@code decoder_model_merged.onnx} from {@code modelDir} and the vocabulary
     * from {@code tokensFile}. A missing file is an IOException naming it.
     */
    public MoonshineRecognizer(Path modelDir, Path tokensFile) throws IOException {
        Path enc = modelDir.resolve("encoder_model.onnx"), dec = modelDir.resolve("decoder_model_merged.onnx");
        for (Path p : List.of(enc, dec)) {
            if (!Files.isRegularFile(p)) throw new IOException("Moonshine model file not found: " + p.toAbsolutePath()
                    + " (the speech module's Maven build fetches it from npm @usefulsensors/moonshine-js)");
        }
        this.vocabulary = new MoonshineVocabulary(tokensFile);
        long t0 = System.nanoTime();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.encoder = env.createSession(enc.toString(), opts);
            this.decoder = env.createSession(dec.toString(), opts);
            this.encoderInput = encoder.getInputNames().iterator().next();
            this.encoderOutput = encoder.getOutputNames().iterator().next();
            for (Map.Entry<String, NodeInfo> in : decoder.getInputInfo().entrySet()) {
                if (!in.getKey().startsWith("past_key_values.")) continue;
                pastNames.add(in.getKey());
                long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape().clone(); // [batch, heads, seq, headDim]
                shape[0] = 0; // as model.ts: empty past for the first step
                shape[2] = 1;
                emptyPastShape.put(in.getKey(), shape);
            }
        } catch (OrtException e) {
            throw new IOException("cannot load Moonshine from " + modelDir + ": " + e.getMessage(), e);
        }
        log.info("event=moonshine_ready model={} layers={} ms={}", modelDir, pastNames.size() / 4, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Transcribes one segment of 16 kHz speech (samples in [-1, 1]); "" when nothing was recognised. */
    public String transcribe(float[] pcm16k) {
        int pad = PAD_MS * SAMPLE_RATE_HZ / 1000;
        float[] audio = new float[pcm16k.length + 2 * pad];
        System.arraycopy(pcm16k, 0, audio, pad, pcm16k.length);
        int maxTokens = (int) ((long) audio.length * TOKENS_PER_SECOND / SAMPLE_RATE_HZ);
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(audio), new long[]{1, audio.length});
             OrtSession.Result encoded = encoder.run(Map.of(encoderInput, input))) {
            return decode((OnnxTensor) encoded.get(encoderOutput).orElseThrow(), maxTokens);
        } catch (OrtException e) {
            throw new IllegalStateException("Moonshine failed on " + audio.length + " samples: " + e.getMessage(), e);
        }
    }

    private String decode(OnnxTensor hidden, int maxTokens) throws OrtException {
        long[] tokens = new long[maxTokens];
        int n = 0;
        Map<String, OnnxTensor> past = new HashMap<>();
        List<OnnxTensor> empties = new ArrayList<>();
        OrtSession.Result first = null; // step 0: holds the encoder (cross-attention) cache used by every later step
        OrtSession.Result previous = null; // step k ≥ 1: holds the decoder cache step k + 1 reads
        try {
            for (String name : pastNames) {
                OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyPastShape.get(name));
                empties.add(empty);
                past.put(name, empty);
            }
            long next = START_TOKEN;
            for (int step = 0; step < maxTokens; step++) {
                Map<String, OnnxTensor> feed = new HashMap<>(past);
                OrtSession.Result out;
                try (OnnxTensor ids = OnnxTensor.createTensor(env, new long[][]{{next}});
                     OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[]{step > 0})) {
                    feed.put("input_ids", ids);
                    feed.put("encoder_hidden_states", hidden);
                    feed.put("use_cache_branch", useCache);
                    out = decoder.run(feed);
                }
                if (previous != null) previous.close(); // its cache was just read
                previous = null;
                if (step == 0) first = out;
                else previous = out;
                OnnxTensor logits = (OnnxTensor) out.get("logits").orElseThrow();
                next = argMaxLast(logits, -1);
                // On real voices Moonshine sometimes ends before the first word: on the Free Spoken Digit Dataset 23 of
                // 100 single digits and 2 of 40 six-digit strings came back empty, each with P(end) 0.14-0.66 at the
                // first step, where silence, noise, a click or a tone give 0.91-0.999. Below UNSURE_END the end is
                // not taken first (as Whisper's SuppressBlank, but only when the model is unsure).
                if (step == 0 && next == END_TOKEN && endProbability(logits) < UNSURE_END) next = argMaxLast(logits, END_TOKEN);
                if (next == END_TOKEN) break;
                tokens[n++] = next;
                for (String name : pastNames) {
                    // as model.ts: the encoder cache comes from the first step only; later steps return it unchanged or empty
                    if (step == 0 || name.contains(".decoder.")) {
                        past.put(name, (OnnxTensor) out.get(name.replace("past_key_values.", "present.")).orElseThrow());
                    }
                }
            }
        } finally {
            if (previous != null) previous.close();
            if (first != null) first.close();
            for (OnnxTensor t : empties) t.close();
        }
        return vocabulary.decode(tokens, n);
    }

    /** The probability of the end token among the last position's logits. */
    private static double endProbability(OnnxTensor logits) {
        long[] shape = logits.getInfo().getShape();
        int vocab = (int) shape[shape.length - 1];
        FloatBuffer b = logits.getFloatBuffer();
        int base = b.limit() - vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, b.get(base + i));
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(b.get(base + i) - max);
        return Math.exp(b.get(base + (int) END_TOKEN) - max) / sum;
    }

    /** The most likely next token, never {@code excluded} (-1: none excluded). */
    private static long argMaxLast(OnnxTensor logits, long excluded) {
        long[] shape = logits.getInfo().getShape(); // [1, seq, vocab]
        int vocab = (int) shape[shape.length - 1];
        FloatBuffer b = logits.getFloatBuffer();
        int base = b.limit() - vocab;
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            if (i == excluded) continue;
            float v = b.get(base + i);
            if (v > max) {
                max = v;
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        try {
            decoder.close();
            encoder.close();
        } catch (OrtException e) {
            log.warn("event=moonshine_close_failed reason={}", e.getMessage());
        }
    }
}
