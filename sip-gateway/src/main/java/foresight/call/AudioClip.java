package foresight.call;

import foresight.media.g711.G711;

import java.util.List;

/**
 * Audio to play to a caller: 8 kHz 16-bit PCM cut into 20 ms frames of 160 samples, plus its G.711 µ-law and
 * A-law encodings, each made once on first use and then shared by every call that plays the clip (music on hold
 * is encoded once for all waiting callers, not once per caller and packet). Immutable apart from those caches;
 * share freely.
 */
public final class AudioClip {
    private final String name;
    private final String spokenText; // what the clip says, for the transcript; null for music, tones, silence
    private final List<short[]> frames;
    private volatile byte[][] pcmu, pcma; // lazily encoded; a race only encodes twice

    public AudioClip(String name, List<short[]> frames) {
        this(name, null, frames);
    }

    private AudioClip(String name, String spokenText, List<short[]> frames) {
        this.name = name;
        this.spokenText = spokenText;
        this.frames = List.copyOf(frames);
        for (short[] f : this.frames) if (f.length != 160) throw new IllegalArgumentException("clip " + name + ": frame of " + f.length + " samples, need 160");
    }

    /** Cuts PCM into frames, padding the last one with silence. */
    public static AudioClip of(String name, short[] pcm8k) {
        return new AudioClip(name, null, frames(pcm8k));
    }

    /**
     * A synthesised sentence: as {@link #of}, named by its text, and carrying that text so a recording's transcript
     * can store what was said verbatim instead of recognising it.
     */
    public static AudioClip spoken(String text, short[] pcm8k) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("spoken clip without text");
        return new AudioClip(text, text, frames(pcm8k));
    }

    private static List<short[]> frames(short[] pcm8k) {
        var frames = new java.util.ArrayList<short[]>();
        for (int off = 0; off < pcm8k.length; off += 160) {
            short[] f = new short[160];
            System.arraycopy(pcm8k, off, f, 0, Math.min(160, pcm8k.length - off));
            frames.add(f);
        }
        return frames;
    }

    public static AudioClip silence(java.time.Duration d) {
        int n = (int) (d.toMillis() / 20);
        var frames = new java.util.ArrayList<short[]>(n);
        for (int i = 0; i < n; i++) frames.add(new short[160]);
        return new AudioClip("silence-" + d.toMillis() + "ms", frames);
    }

    public String name() { return name; }

    /** The sentence this clip speaks (a synthesised prompt), or null for music, tones and silence. */
    public String spokenText() { return spokenText; }

    public List<short[]> frames() { return frames; }

    public java.time.Duration duration() { return java.time.Duration.ofMillis(20L * frames.size()); }

    /** Frame {@code index} as G.711 payload for {@code payloadType} 0 (µ-law) or 8 (A-law), encoded once per clip. */
    public byte[] encoded(int payloadType, int index) {
        byte[][] table = payloadType == 8 ? pcma : pcmu;
        if (table == null) {
            table = new byte[frames.size()][];
            for (int i = 0; i < table.length; i++) {
                table[i] = new byte[160];
                G711.encode(payloadType, frames.get(i), table[i]);
            }
            if (payloadType == 8) pcma = table;
            else pcmu = table;
        }
        return table[index];
    }

    @Override
    public String toString() { return "AudioClip[" + name + ", " + frames.size() + " frames]"; }
}
