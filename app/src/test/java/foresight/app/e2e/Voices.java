package foresight.app.e2e;

import foresight.recording.wav.WavReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real speech for test callers and agents: espeak-ng speaks, sox converts to 8 kHz mono 16-bit. */
final class Voices {
    private Voices() {}

    static Path wav8k(String text, Path dir) throws Exception {
        return wav8k(text, dir, 0);
    }

    /** Speech followed by {@code silenceAfterSeconds} of silence (baresip hangs up when its microphone file ends). */
    static Path wav8k(String text, Path dir, int silenceAfterSeconds) throws Exception {
        return wav8k(text, dir, silenceAfterSeconds, 140);
    }

    /** As above at {@code wordsPerMinute}; the small Vosk model hears some espeak phrasings better at some speeds. */
    static Path wav8k(String text, Path dir, int silenceAfterSeconds, int wordsPerMinute) throws Exception {
        return wav8k(text, dir, silenceAfterSeconds, wordsPerMinute, "en-us");
    }

    /**
     * As above with an espeak-ng voice. Measured: the small Vosk model hears a 16-digit number from "en-us+f2" at
     * 180 wpm with one digit wrong, from plain "en-us" at 160 wpm with five wrong.
     */
    static Path wav8k(String text, Path dir, int silenceAfterSeconds, int wordsPerMinute, String voice) throws Exception {
        Files.createDirectories(dir);
        Path raw = Files.createTempFile(dir, "espeak", ".wav");
        Path out = Files.createTempFile(dir, "voice8k", ".wav");
        run("espeak-ng", "-v", voice, "-s", String.valueOf(wordsPerMinute), "-w", raw.toString(), text);
        run("sox", raw.toString(), "-r", "8000", "-c", "1", "-b", "16", out.toString(), "pad", "0", String.valueOf(silenceAfterSeconds));
        return out;
    }

    static short[] pcm8k(String text, Path dir) throws Exception {
        return WavReader.read(wav8k(text, dir)).channels()[0];
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }

    /** Root-mean-square level of a stretch of audio. */
    static double rms(short[] pcm, int from, int to) {
        double acc = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(pcm.length, to); i++, n++) acc += (double) pcm[i] * pcm[i];
        return n == 0 ? 0 : Math.sqrt(acc / n);
    }
}
