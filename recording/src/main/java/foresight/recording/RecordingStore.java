package foresight.recording;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Where recordings live on disk: {@code <root>/yyyy/mm/dd/<call id>.wav}. */
public record RecordingStore(Path root) {
    public Path pathFor(String callId, java.time.Instant startedAt) {
        LocalDate d = startedAt.atZone(ZoneOffset.UTC).toLocalDate();
        return root.resolve(String.format("%04d/%02d/%02d/%s.wav", d.getYear(), d.getMonthValue(), d.getDayOfMonth(), callId));
    }
}
