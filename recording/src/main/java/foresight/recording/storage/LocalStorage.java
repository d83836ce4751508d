package foresight.recording.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Recordings stay where the recorder wrote them (recording.dir). The default. */
public final class LocalStorage implements RecordingStorage {
    @Override
    public String archive(String callId, Path local) { return local.toString(); }

    @Override
    public Audio open(String location) throws IOException {
        Path p = Path.of(location);
        if (!Files.exists(p)) throw new NoSuchFileException(location);
        return new Audio(Files.newInputStream(p), Files.size(p));
    }

    @Override
    public boolean exists(String location) { return Files.exists(Path.of(location)); }

    @Override
    public void delete(String location) throws IOException {
        Path wav = Path.of(location);
        Files.deleteIfExists(wav);
        Files.deleteIfExists(wav.resolveSibling(RecordingStorage.unredactedName(wav.getFileName().toString())));
    }

    @Override
    public String describe() { return "local"; }
}
