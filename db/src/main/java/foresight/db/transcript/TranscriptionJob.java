package foresight.db.transcript;

/** A recording waiting to be transcribed. {@code attempts} counts earlier tries, including this one. */
public record TranscriptionJob(long id, String callId, String recordingPath, int attempts) {}
