package foresight.speech.tts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Text to 8 kHz PCM for the phone with the configured {@link Voice}: Festival's HTS us-slt voice when installed,
 * else FreeTTS kevin16 in the JVM. If the configured voice fails on a sentence, that sentence is spoken by kevin16
 * rather than not at all. Thread-safe; blocks while synthesising. Callers cache results (see {@code Prompts}).
 */
public final class SpeechSynthesizer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpeechSynthesizer.class);
    /** Festival processes, i.e. sentences synthesised at once; more would take CPU the media path needs. */
    public static final int FESTIVAL_PROCESSES = 2;

    private final Voice voice;
    private final ReentrantLock fallbackLock = new ReentrantLock();
    private volatile Voice fallback; // created on the first failure of the configured voice

    /** FreeTTS kevin16, as before voices were configurable (evaluations that compare against earlier figures). */
    public SpeechSynthesizer() { this(new Kevin16Voice()); }

    /** Speaks with {@code voice}; closing this closes it. */
    public SpeechSynthesizer(Voice voice) { this.voice = voice; }

    /**
     * The voice {@code speech.voice} names ({@code festival-slt} or {@code kevin16}). If Festival or its slt voice is
     * not installed, logs one line saying so and uses kevin16. Throws IllegalArgumentException for an unknown name.
     */
    public static SpeechSynthesizer open(String configuredVoice) { return open(configuredVoice, "festival"); }

    /** As {@link #open(String)}, running Festival as {@code festivalCommand} (a path, or a name on the PATH). */
    public static SpeechSynthesizer open(String configuredVoice, String festivalCommand) {
        return switch (VoiceName.parse(configuredVoice)) {
            case KEVIN16 -> new SpeechSynthesizer(new Kevin16Voice());
            case FESTIVAL_SLT -> {
                try {
                    yield new SpeechSynthesizer(new FestivalVoice(festivalCommand, FestivalVoice.SLT, FESTIVAL_PROCESSES, FestivalVoice.TIMEOUT));
                } catch (IOException | RuntimeException e) {
                    log.warn("event=tts_fallback wanted=festival-slt using=kevin16 reason=\"{}\" fix=\"apt-get install festival festvox-us-slt-hts\"",
                            e.getMessage());
                    yield new SpeechSynthesizer(new Kevin16Voice());
                }
            }
        };
    }

    /** The voice in use: {@code festival-slt} or {@code kevin16}. */
    public String voice() { return voice.name(); }

    /** Requests made to the voice's engine (a cached prompt makes none). */
    public long requests() { return voice.requests(); }

    /** The engine, for operators and tests (e.g. Festival's process ids). */
    public Voice engine() { return voice; }

    /** 8 kHz 16-bit mono PCM of {@code text}. Blocks; on any thread. */
    public short[] synthesize(String text) {
        try {
            return voice.synthesize(text);
        } catch (SynthesisException e) {
            if (voice instanceof Kevin16Voice) throw e;
            log.warn("event=tts_failed voice={} fallback=kevin16 text=\"{}\" error=\"{}\"", voice.name(), text, e.getMessage());
            return fallback().synthesize(text);
        }
    }

    private Voice fallback() {
        Voice f = fallback;
        if (f != null) return f;
        fallbackLock.lock();
        try {
            if (fallback == null) fallback = new Kevin16Voice();
            return fallback;
        } finally {
            fallbackLock.unlock();
        }
    }

    @Override
    public void close() {
        voice.close();
        Voice f = fallback;
        if (f != null) f.close();
    }
}
