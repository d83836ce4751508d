package foresight.call;

/** Thrown into a call's flow thread by a blocking operation when the call is over (hang-up, cancel, failure). */
public final class CallEndedException extends RuntimeException {
    public CallEndedException(String callId, String reason) {
        super("call=" + callId + " ended: " + reason);
    }
}
