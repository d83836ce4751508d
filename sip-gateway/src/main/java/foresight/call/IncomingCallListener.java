package foresight.call;

/** Receives each new inbound call on its own virtual thread, which it may block for the whole call. */
public interface IncomingCallListener {
    void onCall(Call call);
}
