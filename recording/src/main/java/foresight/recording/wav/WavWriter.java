package foresight.recording.wav;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes 16-bit PCM WAV (RIFF, little-endian). The header's sizes are written as 0 first and fixed on close;
 * if the process dies first, {@link #repairHeader(Path)} recomputes them from the file length, so everything
 * flushed is playable. Not thread-safe: one writer thread owns it.
 */
public final class WavWriter implements AutoCloseable {
    private static final int HEADER_BYTES = 44;
    private final Path path;
    private final OutputStream out;
    private final int channels;
    private final int sampleRateHz;
    private final byte[] frameBytes;
    private long dataBytes;

    public WavWriter(Path path, int channels, int sampleRateHz) throws IOException {
        this.path = path;
        this.channels = channels;
        this.sampleRateHz = sampleRateHz;
        Files.createDirectories(path.toAbsolutePath().getParent());
        this.out = new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024);
        out.write(header(channels, sampleRateHz, 0));
        this.frameBytes = new byte[160 * 2 * channels];
    }

    /** Appends two aligned mono blocks as one interleaved stereo block. */
    public void appendStereo(short[] left, short[] right) throws IOException {
        int n = Math.min(left.length, right.length);
        byte[] b = n * 4 == frameBytes.length ? frameBytes : new byte[n * 4];
        for (int i = 0; i < n; i++) {
            b[4 * i] = (byte) left[i];
            b[4 * i + 1] = (byte) (left[i] >> 8);
            b[4 * i + 2] = (byte) right[i];
            b[4 * i + 3] = (byte) (right[i] >> 8);
        }
        out.write(b, 0, n * 4);
        dataBytes += n * 4L;
    }

    /** Pushes buffered audio to the OS so a crash loses at most what came after. */
    public void flush() throws IOException { out.flush(); }

    public long durationMs() { return dataBytes * 1000 / ((long) sampleRateHz * 2 * channels); }

    public Path path() { return path; }

    @Override
    public void close() throws IOException {
        out.close();
        repairHeader(path);
    }

    /** Rewrites the RIFF and data sizes from the file's real length. Returns the audio duration in ms. */
    public static long repairHeader(Path path) throws IOException {
        try (var f = new RandomAccessFile(path.toFile(), "rw")) {
            long len = f.length();
            if (len < HEADER_BYTES) throw new IOException(path + ": too short to be a WAV file (" + len + " bytes)");
            byte[] h = new byte[HEADER_BYTES];
            f.readFully(h);
            ByteBuffer bb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            int channels = bb.getShort(22);
            int rate = bb.getInt(24);
            long data = len - HEADER_BYTES;
            data -= data % (2L * channels); // drop a torn last sample
            f.seek(0);
            f.write(header(channels, rate, data));
            f.setLength(HEADER_BYTES + data);
            return data * 1000 / ((long) rate * 2 * channels);
        }
    }

    private static byte[] header(int channels, int rate, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put("data".getBytes()).putInt((int) dataBytes);
        return b.array();
    }
}
