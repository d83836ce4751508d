package foresight.db.transcript;

/** A call's recording: the call it belongs to and where its audio is (a local path or an {@code s3://} location). */
public record RecordingRef(String callId, String path) {}
