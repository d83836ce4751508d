package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.speech.tts.SpeechSynthesizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthesises each distinct sentence once and keeps it as ready 20 ms frames; later calls reuse them.
 * Thread-safe. The first request for a sentence blocks while FreeTTS speaks it.
 */
public final class Prompts {
    private static final int MAX_ENTRIES = 5000;
    private final SpeechSynthesizer tts;
    private final ConcurrentHashMap<String, AudioClip> cache = new ConcurrentHashMap<>();

    public Prompts(SpeechSynthesizer tts) { this.tts = tts; }

    public AudioClip get(String text) {
        AudioClip c = cache.get(text);
        if (c != null) return c;
        c = AudioClip.of(text, tts.synthesize(text));
        if (cache.size() < MAX_ENTRIES) cache.putIfAbsent(text, c); // personalised sentences must not grow it forever
        return c;
    }

    public int cached() { return cache.size(); }
}
