package foresight.speech.asr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test audio as a phone delivers it: espeak-ng speaks the text, sox turns it into 8 kHz G.711 µ-law and back to PCM. */
public final class PhoneSpeech {
    private PhoneSpeech() {}

    /** 8 kHz 16-bit PCM of {@code text} spoken by espeak-ng voice {@code voice}, after a G.711 µ-law round trip. */
    public static short[] say(String text, String voice) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("phone-speech");
        try {
            Path wav = dir.resolve("tts.wav"), ulaw = dir.resolve("ulaw.wav"), raw = dir.resolve("pcm.raw");
            run(List.of("espeak-ng", "-v", voice, "-w", wav.toString(), text));
            run(List.of("sox", wav.toString(), "-r", "8000", "-c", "1", "-e", "u-law", ulaw.toString()));
            run(List.of("sox", ulaw.toString(), "-e", "signed-integer", "-b", "16", "-L", "-t", "raw", raw.toString()));
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
            short[] pcm = new short[b.remaining() / 2];
            b.asShortBuffer().get(pcm);
            return pcm;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** {@code seconds} of digital silence at 8 kHz. */
    public static short[] silence(double seconds) { return new short[(int) (seconds * 8000)]; }

    public static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) n += p.length;
        short[] out = new short[n];
        int off = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
