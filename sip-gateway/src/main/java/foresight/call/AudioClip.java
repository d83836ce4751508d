package foresight.call;

import java.util.List;

/** Audio to play to a caller: 8 kHz 16-bit PCM cut into 20 ms frames of 160 samples. Immutable; share freely. */
public record AudioClip(String name, List<short[]> frames) {
    public AudioClip {
        frames = List.copyOf(frames);
        for (short[] f : frames) if (f.length != 160) throw new IllegalArgumentException("clip " + name + ": frame of " + f.length + " samples, need 160");
    }

    /** Cuts PCM into frames, padding the last one with silence. */
    public static AudioClip of(String name, short[] pcm8k) {
        var frames = new java.util.ArrayList<short[]>();
        for (int off = 0; off < pcm8k.length; off += 160) {
            short[] f = new short[160];
            System.arraycopy(pcm8k, off, f, 0, Math.min(160, pcm8k.length - off));
            frames.add(f);
        }
        return new AudioClip(name, frames);
    }

    public static AudioClip silence(java.time.Duration d) {
        int n = (int) (d.toMillis() / 20);
        var frames = new java.util.ArrayList<short[]>(n);
        for (int i = 0; i < n; i++) frames.add(new short[160]);
        return new AudioClip("silence-" + d.toMillis() + "ms", frames);
    }

    public java.time.Duration duration() { return java.time.Duration.ofMillis(20L * frames.size()); }
}
