package foresight.recording.wav;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a 16-bit PCM WAV file into one array of samples per channel. */
public final class WavReader {
    /** Samples per channel and the sample rate. */
    public record Audio(int sampleRateHz, short[][] channels) {}

    private WavReader() {}

    public static Audio read(Path path) throws IOException {
        byte[] all = Files.readAllBytes(path);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) throw new IOException(path + ": not a RIFF/WAVE file");
        int pos = 12, channels = 0, rate = 0, bits = 0;
        while (pos + 8 <= all.length) {
            int id = b.getInt(pos), size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                if (b.getShort(pos + 8) != 1) throw new IOException(path + ": not PCM");
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
                bits = b.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16 || channels < 1) throw new IOException(path + ": need 16-bit PCM, found " + bits + " bits, " + channels + " channels");
                int bytes = Math.min(size < 0 ? Integer.MAX_VALUE : size, all.length - pos - 8);
                int frames = bytes / (2 * channels);
                short[][] out = new short[channels][frames];
                for (int i = 0; i < frames; i++)
                    for (int c = 0; c < channels; c++) out[c][i] = b.getShort(pos + 8 + 2 * (i * channels + c));
                return new Audio(rate, out);
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException(path + ": no data chunk");
    }
}
