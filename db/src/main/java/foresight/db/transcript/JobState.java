package foresight.db.transcript;

/** A transcription job as stored: {@code queued}, {@code running}, {@code done} or {@code failed}; attempts so far; the last error, if any. */
public record JobState(String status, int attempts, String lastError) {}
