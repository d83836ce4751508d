package foresight.speech.tts;

/**
 * A synthesis engine: text in, 8 kHz 16-bit mono PCM out. Implementations are thread-safe and bound their own
 * concurrency (callers may block waiting for a free synthesiser). Callers cache results; see {@code Prompts}.
 */
public interface Voice extends AutoCloseable {
    /** The configured name, e.g. {@code festival-slt}. */
    String name();

    /** Speaks {@code text}; blocks until the audio is ready. Throws {@link SynthesisException} when the engine cannot. */
    short[] synthesize(String text);

    /** Engine requests made so far (a cache hit makes none). */
    long requests();

    @Override
    default void close() {}
}
