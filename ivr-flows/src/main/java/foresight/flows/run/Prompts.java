package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.speech.tts.SpeechSynthesizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Synthesises each distinct sentence once and keeps it as ready 20 ms frames (G.711 encoded once per clip); later
 * calls reuse them. A sentence can be synthesised ahead ({@link #prefetch}) while the caller hears something else,
 * so a personalised prompt is ready when the flow reaches it. Thread-safe. The first request for a sentence not
 * prefetched blocks while the voice speaks it; one being prefetched waits for that synthesis, not a second one.
 * Bounded (Caffeine): past {@link #DEFAULT_MAX_ENTRIES} sentences the least used are evicted, so the fixed prompts
 * stay while one-off personalised sentences come and go.
 */
public final class Prompts {
    private static final Logger log = LoggerFactory.getLogger(Prompts.class);
    /** Sentences kept ready. */
    static final int DEFAULT_MAX_ENTRIES = 5000;
    /** Sentences synthesised ahead and not yet played. */
    private static final int MAX_AHEAD = 500;
    /** A sentence synthesised ahead that no call asked for within this is dropped (the caller hung up first). */
    private static final Duration AHEAD_KEPT = Duration.ofMinutes(2);

    private final SpeechSynthesizer tts;
    private final Cache<String, AudioClip> cache;
    /** Syntheses under way or done and not yet asked for; one that nobody asks for within {@link #AHEAD_KEPT} expires. */
    private final Cache<String, Ahead> ahead = Caffeine.newBuilder().maximumSize(MAX_AHEAD).expireAfterWrite(AHEAD_KEPT).build();

    private record Ahead(CompletableFuture<AudioClip> clip) {}

    public Prompts(SpeechSynthesizer tts) { this(tts, DEFAULT_MAX_ENTRIES); }

    /** A cache of at most {@code maxEntries} sentences. */
    Prompts(SpeechSynthesizer tts, int maxEntries) {
        this.tts = tts;
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    }

    public AudioClip get(String text) {
        AudioClip c = cache.getIfPresent(text);
        if (c != null) return c;
        Ahead a = ahead.getIfPresent(text);
        if (a != null) {
            try {
                c = a.clip().join();
                ahead.asMap().remove(text, a);
                return c;
            } catch (CompletionException e) {
                ahead.asMap().remove(text, a); // logged where it failed; speak it here instead
            }
        }
        return synthesize(text);
    }

    /**
     * Starts synthesising {@code text} on a virtual thread and returns at once; a later {@link #get} of the same text
     * takes the result (waiting for it if still running). Does nothing if it is cached or already under way.
     */
    public void prefetch(String text) {
        if (text == null || text.isBlank() || cache.getIfPresent(text) != null) return;
        var mine = new Ahead(new CompletableFuture<>());
        if (ahead.asMap().putIfAbsent(text, mine) != null) return;
        Thread.ofVirtual().name("prompt-ahead").start(() -> {
            try {
                AudioClip c = synthesize(text);
                mine.clip().complete(c);
                if (cache.getIfPresent(text) == c) ahead.asMap().remove(text, mine); // cached: nothing more to keep here
            } catch (RuntimeException e) {
                log.warn("event=prompt_prefetch_failed text=\"{}\" error=\"{}\"", text, e.getMessage());
                mine.clip().completeExceptionally(e);
            }
        });
    }

    private AudioClip synthesize(String text) {
        // Synthesised outside the cache's lock: a slow voice must not hold up other sentences.
        short[] pcm = tts.synthesize(text);
        AudioClip c = text.isBlank() ? AudioClip.of(text, pcm) : AudioClip.spoken(text, pcm); // spoken: the transcript stores it verbatim
        AudioClip earlier = cache.asMap().putIfAbsent(text, c);
        return earlier != null ? earlier : c;
    }

    /** Sentences in the cache now. */
    public int cached() {
        cache.cleanUp();
        return (int) cache.estimatedSize();
    }
}
