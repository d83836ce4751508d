package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.speech.tts.SpeechSynthesizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthesises each distinct sentence once and keeps it as ready 20 ms frames (G.711 encoded once per clip); later
 * calls reuse them. A sentence can be synthesised ahead ({@link #prefetch}) while the caller hears something else,
 * so a personalised prompt is ready when the flow reaches it. Thread-safe. The first request for a sentence not
 * prefetched blocks while the voice speaks it; one being prefetched waits for that synthesis, not a second one.
 */
public final class Prompts {
    private static final Logger log = LoggerFactory.getLogger(Prompts.class);
    private static final int MAX_ENTRIES = 5000;
    /** Sentences synthesised ahead and not yet played (only kept here when the cache is full). */
    private static final int MAX_AHEAD = 500;
    /** A sentence synthesised ahead that no call asked for within this is dropped (the caller hung up first). */
    private static final Duration AHEAD_KEPT = Duration.ofMinutes(2);

    private final SpeechSynthesizer tts;
    private final ConcurrentHashMap<String, AudioClip> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Ahead> ahead = new ConcurrentHashMap<>();

    private record Ahead(CompletableFuture<AudioClip> clip, long startedNanos) {}

    public Prompts(SpeechSynthesizer tts) { this.tts = tts; }

    public AudioClip get(String text) {
        AudioClip c = cache.get(text);
        if (c != null) return c;
        Ahead a = ahead.get(text);
        if (a != null) {
            try {
                c = a.clip().join();
                ahead.remove(text, a);
                return c;
            } catch (CompletionException e) {
                ahead.remove(text, a); // logged where it failed; speak it here instead
            }
        }
        return synthesize(text);
    }

    /**
     * Starts synthesising {@code text} on a virtual thread and returns at once; a later {@link #get} of the same text
     * takes the result (waiting for it if still running). Does nothing if it is cached or already under way.
     */
    public void prefetch(String text) {
        if (text == null || text.isBlank() || cache.containsKey(text) || ahead.containsKey(text)) return;
        long now = System.nanoTime();
        ahead.values().removeIf(a -> a.clip().isDone() && now - a.startedNanos() > AHEAD_KEPT.toNanos());
        if (ahead.size() >= MAX_AHEAD) return;
        var mine = new Ahead(new CompletableFuture<>(), now);
        if (ahead.putIfAbsent(text, mine) != null) return;
        Thread.ofVirtual().name("prompt-ahead").start(() -> {
            try {
                AudioClip c = synthesize(text);
                mine.clip().complete(c);
                if (cache.get(text) == c) ahead.remove(text, mine); // cached: nothing more to keep here
            } catch (RuntimeException e) {
                log.warn("event=prompt_prefetch_failed text=\"{}\" error=\"{}\"", text, e.getMessage());
                mine.clip().completeExceptionally(e);
            }
        });
    }

    private AudioClip synthesize(String text) {
        short[] pcm = tts.synthesize(text);
        AudioClip c = text.isBlank() ? AudioClip.of(text, pcm) : AudioClip.spoken(text, pcm); // spoken: the transcript stores it verbatim
        if (cache.size() < MAX_ENTRIES) {
            AudioClip earlier = cache.putIfAbsent(text, c); // personalised sentences must not grow it forever
            if (earlier != null) return earlier;
        }
        return c;
    }

    public int cached() { return cache.size(); }
}
