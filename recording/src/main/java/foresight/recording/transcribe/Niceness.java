package foresight.recording.transcribe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the calling thread's CPU priority the way Linux understands it: its nice value. Java's thread priorities
 * are ignored by the JVM on Linux (unless it runs as root with {@code -XX:ThreadPriorityPolicy=1}); the kernel's
 * scheduler weights a thread at nice 10 about a tenth of one at nice 0, so post-call transcription at nice 10
 * takes only the CPU that signalling and media leave over, and all of it when they leave it all. Raising the nice
 * value needs no privilege. The recognisers run on the calling thread (ONNX with one intra-op thread, Vosk over
 * JNI), so the whole decode is lowered. Best effort: elsewhere than Linux, or without {@code renice}, nothing
 * changes and it says so once.
 */
public final class Niceness {
    private static final Logger log = LoggerFactory.getLogger(Niceness.class);
    private static volatile boolean warned;

    private Niceness() {}

    /** Sets this thread's nice value to {@code nice} (higher = lower priority); true if the kernel now reports it. */
    public static boolean lowerCurrentThread(int nice) {
        try {
            String tid = threadId();
            Process p = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("renice exited " + (p.isAlive() ? "late" : p.exitValue()));
            boolean ok = currentThreadNice().orElse(Integer.MIN_VALUE) == nice;
            if (!ok) warnOnce("the kernel reports another value");
            return ok;
        } catch (IOException | RuntimeException e) {
            warnOnce(e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat} (empty where there is none). */
    public static OptionalInt currentThreadNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // Fields after the command name (which may hold spaces) start after the last ')'; nice is field 19.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return OptionalInt.of(Integer.parseInt(f[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static String threadId() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "PID/task/TID"
        return link.substring(link.lastIndexOf('/') + 1);
    }

    private static void warnOnce(String why) {
        if (warned) return;
        warned = true;
        log.warn("event=transcription_priority_unchanged reason=\"{}\" effect=\"transcription competes with calls for the CPU at normal priority\"", why);
    }
}
