package foresight.speech.tts;

/** A sentence could not be spoken: the engine failed, died twice in a row, or rejected the text. Names the voice and the text. */
public final class SynthesisException extends RuntimeException {
    public SynthesisException(String message, Throwable cause) { super(message, cause); }

    public SynthesisException(String message) { super(message); }
}
