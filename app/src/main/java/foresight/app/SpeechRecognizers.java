package foresight.app;

import foresight.app.config.ForesightConfig;
import foresight.recording.transcribe.Niceness;
import foresight.speech.asr.MoonshineRecognizer;
import foresight.speech.asr.OpenRecognizer;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.vad.SileroVad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds the recogniser the configuration asks for: Vosk for grammars always, and Moonshine behind the Silero VAD
 * for open questions and recordings when {@code speech.openRecogniser} is {@code moonshine}. A missing Moonshine or
 * VAD file is not fatal: one log line names the file and says Vosk hears open questions instead.
 */
public final class SpeechRecognizers {
    private static final Logger log = LoggerFactory.getLogger(SpeechRecognizers.class);

    /**
     * Nice value of the live recognisers' decoder threads: below signalling and the media pacer (0), above post-call
     * transcription (10). Eight decoders at nice 0 took the CPU from the RTP event loop on two cores.
     */
    static final int LIVE_NICE = 5;

    private SpeechRecognizers() {}

    /** {@code openRecogniser} overrides the configured one when not null ("moonshine" or "vosk"). */
    public static SpeechRecognizer load(ForesightConfig.Speech speech, String openRecogniser, int maxRecognisers) throws IOException {
        return load(speech, openRecogniser, maxRecognisers, 1);
    }

    /** As above, with {@code batchSlots} recordings transcribed at once. */
    public static SpeechRecognizer load(ForesightConfig.Speech speech, String openRecogniser, int maxRecognisers, int batchSlots) throws IOException {
        String which = openRecogniser != null ? openRecogniser : speech.openRecogniser();
        OpenRecognizer open = null;
        if (which.equals("moonshine")) {
            open = loadMoonshine(speech);
        } else if (!which.equals("vosk")) {
            throw new IllegalArgumentException("open recogniser must be moonshine or vosk, was '" + which + "'");
        }
        return new SpeechRecognizer(Path.of(speech.modelDir()), maxRecognisers, open, batchSlots, () -> Niceness.lowerCurrentThread(LIVE_NICE));
    }

    /** Moonshine + VAD, or null (logged) when a model file is missing. */
    static OpenRecognizer loadMoonshine(ForesightConfig.Speech speech) {
        Path dir = Path.of(speech.moonshineDir());
        MoonshineRecognizer moonshine;
        try {
            moonshine = new MoonshineRecognizer(dir.resolve(speech.moonshineModel()), dir.resolve("tokens.txt"));
        } catch (IOException e) {
            log.warn("event=open_recogniser_fallback recogniser=vosk reason=\"{}\"", e.getMessage());
            return null;
        }
        try {
            return new OpenRecognizer(moonshine, new SileroVad(Path.of(speech.vadModel())));
        } catch (IOException e) {
            moonshine.close();
            log.warn("event=open_recogniser_fallback recogniser=vosk reason=\"{}\"", e.getMessage());
            return null;
        }
    }
}
