package foresight.speech.tts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code festival --pipe} process with a voice loaded, fed one Scheme command per sentence that
 * synthesises it, resamples it to 8 kHz and saves it to this process's own WAV file; the process then prints
 * {@code OK n} (or {@code ER n} if the Scheme failed) and flushes. Serves one sentence at a time: the caller
 * ({@link FestivalVoice}) owns it while using it. Its stdin is the only thing keeping it alive, so it exits with
 * the JVM even when the JVM is killed.
 */
final class FestivalProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FestivalProcess.class);
    /** Lisp heap in cells. Festival's default (10 M) costs ~380 MB resident per process; 1.5 M measured 84 MB after long prompts. */
    static final int HEAP_CELLS = 1_500_000;
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path wav;
    private final String label;
    private volatile String lastError = ""; // written by the stderr reader only
    private long seq; // written by the owning caller only

    private FestivalProcess(Process process, Path wav, String label) {
        this.process = process;
        this.wav = wav;
        this.label = label;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name(label + "-out").start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofVirtual().name(label + "-err").start(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    /**
     * Starts {@code command} and loads {@code voiceFunction} (e.g. {@code voice_cmu_us_slt_arctic_hts}); blocks until the
     * voice is ready. Throws with Festival's own message when the program or the voice is missing.
     */
    static FestivalProcess start(String command, String voiceFunction, Path dir, String label, Duration timeout) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command, "--pipe", "--heap", String.valueOf(HEAP_CELLS))).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + command + "' (" + e.getMessage() + ")", e);
        }
        var fp = new FestivalProcess(p, dir.resolve(label + ".wav"), label);
        try {
            fp.command("(" + voiceFunction + ")", timeout);
        } catch (IOException | SynthesisException e) {
            fp.close();
            throw new IOException("festival could not load voice " + voiceFunction + ": " + e.getMessage(), e);
        }
        return fp;
    }

    long pid() { return process.pid(); }

    boolean isAlive() { return process.isAlive(); }

    /** Text to 8 kHz PCM. IOException: the process died or did not answer in time (it must be replaced); SynthesisException: Festival rejected this text. */
    short[] synthesize(String text, Duration timeout) throws IOException {
        String wavPath = wav.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
        Files.deleteIfExists(wav);
        command("(let ((u (utt.synth (Utterance Text \"" + schemeString(text) + "\")))) (utt.wave.resample u 8000) (utt.save.wave u \"" + wavPath
                + "\" 'riff))", timeout);
        return readWav8k(Files.readAllBytes(wav));
    }

    /** Runs one Scheme form, waiting for its OK. */
    private void command(String form, Duration timeout) throws IOException {
        long n = ++seq;
        String ok = "OK " + n, er = "ER " + n;
        // unwind-protect in Festival's SIOD evaluates the second form only if the first raised an error.
        String wrapped = "(unwind-protect (begin " + form + " (format t \"" + ok + "\\n\") (fflush nil)) (begin (format t \"" + er + "\\n\") (fflush nil)))\n";
        in.write(wrapped);
        in.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(label + ": interrupted waiting for festival", e);
            }
            if (line == null) throw new IOException(label + ": no answer from festival pid " + process.pid() + " within " + timeout.toMillis() + " ms");
            if (line == EOF) throw new IOException(label + ": festival pid " + process.pid() + " exited" + (lastError.isEmpty() ? "" : ": " + lastError));
            if (line.endsWith(ok)) return;
            if (line.endsWith(er)) throw new SynthesisException("festival rejected the input: " + (lastError.isEmpty() ? "(no message)" : lastError));
            // anything else Festival prints (warnings) is not ours to interpret
        }
    }

    /** Escapes text for a Scheme string literal; control characters become spaces. */
    static String schemeString(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '"') sb.append('\\').append(c);
            else if (Character.isISOControl(c)) sb.append(' ');
            else sb.append(c);
        }
        return sb.toString();
    }

    /** The samples of a 16-bit mono 8 kHz RIFF file as Festival writes it. */
    static short[] readWav8k(byte[] b) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b.length < 12 || bb.getInt(0) != 0x46464952 || bb.getInt(8) != 0x45564157) throw new IOException("festival wrote no RIFF/WAVE file");
        int pos = 12, channels = 0, rate = 0, bits = 0;
        while (pos + 8 <= b.length) {
            int id = bb.getInt(pos), size = bb.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                channels = bb.getShort(pos + 10);
                rate = bb.getInt(pos + 12);
                bits = bb.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (channels != 1 || rate != 8000 || bits != 16) throw new IOException("festival wrote " + channels + " channel(s), " + rate + " Hz, " + bits + " bit; need mono 8000 Hz 16 bit");
                int n = Math.min(size, b.length - pos - 8) / 2;
                short[] pcm = new short[n];
                bb.position(pos + 8);
                bb.asShortBuffer().get(pcm);
                return pcm;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException("festival's WAV file has no data chunk");
    }

    private void pump(BufferedReader r, boolean stdout) {
        try (r) {
            for (String line; (line = r.readLine()) != null; ) {
                if (stdout) lines.add(line);
                else if (!line.isBlank()) {
                    lastError = line.trim();
                    log.debug("event=festival_stderr process={} line=\"{}\"", label, lastError);
                }
            }
        } catch (IOException e) {
            // the process is gone; EOF below tells the waiting caller
        } finally {
            if (stdout) lines.add(EOF);
        }
    }

    /** Closes stdin (Festival exits at end of input), then kills it if it has not gone within a second. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // already dead
        }
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(wav);
        } catch (IOException e) {
            log.debug("event=festival_tmp_not_deleted file={}", wav);
        }
    }
}
