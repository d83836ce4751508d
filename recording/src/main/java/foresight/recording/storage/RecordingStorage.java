package foresight.recording.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where finished recordings are kept. The recorder always writes a local file (crash-safe, flushed every second);
 * once a call is transcribed and redacted, {@link #archive} moves it to its store and returns where it now is
 * (a file path, or {@code s3://bucket/key}), which is stored on the call. Reading and deleting go through the store
 * that location belongs to.
 */
public interface RecordingStorage {
    /** An opened recording: its bytes and their number (for HTTP ranges). */
    record Audio(InputStream in, long length) {}

    /** Takes the call's finished local WAV (and its unredacted original beside it, if kept); returns its location now. */
    String archive(String callId, Path local) throws IOException;

    /** The recording at {@code location}; an IOException if it is not there. */
    Audio open(String location) throws IOException;

    /**
     * Whether the recording at {@code location} is there (deleted by retention: false). An IOException when the
     * store cannot be asked (a bucket that does not answer), so callers can tell "gone" from "unknown".
     */
    boolean exists(String location) throws IOException;

    /** Removes the recording at {@code location} and its unredacted original; gone already is not an error. */
    void delete(String location) throws IOException;

    /** What this store is, for logs and /health: "local" or "s3://bucket/prefix at endpoint". */
    String describe();

    /** The unredacted original kept beside a recording (recording.keepUnredacted). */
    static String unredactedName(String name) { return name.replaceFirst("\\.wav$", "") + ".unredacted.wav"; }
}
