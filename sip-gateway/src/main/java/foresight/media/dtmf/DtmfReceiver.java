package foresight.media.dtmf;

/**
 * Turns a stream of RFC 4733 event packets into one digit per key press. A press is reported once, on its first
 * packet; RFC 4733 §2.5.1.4 retransmits the end packet three times and all packets of one event share the RTP
 * timestamp, so the timestamp is the de-duplication key. Owned by one RTP session's event loop.
 */
public final class DtmfReceiver {
    private long lastTimestamp = -1;

    /** Returns the digit if this packet starts a new event, else 0. */
    public char onPacket(long rtpTimestamp, TelephoneEvent event) {
        if (event == null || rtpTimestamp == lastTimestamp) return 0;
        lastTimestamp = rtpTimestamp;
        char d = event.digit();
        return d == '?' ? 0 : d;
    }
}
