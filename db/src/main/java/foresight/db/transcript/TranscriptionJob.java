package foresight.db.transcript;

/**
 * A recording waiting to be transcribed. {@code attempts} counts earlier tries, including this one;
 * {@code lockedBy} and {@code leaseEpoch} identify this take of the job (its lease), which fences its result.
 */
public record TranscriptionJob(long id, String callId, String recordingPath, int attempts, String lockedBy, long leaseEpoch) {
    public TranscriptionJob(long id, String callId, String recordingPath, int attempts) { this(id, callId, recordingPath, attempts, null, 0); }
}
