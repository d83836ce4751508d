package foresight.media.dtmf;

/**
 * An RFC 4733 §2.3 telephone-event payload: event code, end bit, volume and duration in timestamp units.
 * Events 0-9 are digits, 10 is '*', 11 is '#', 12-15 are A-D.
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {
    private static final String DIGITS = "0123456789*#ABCD";

    public TelephoneEvent {
        if (event < 0 || event > 255) throw new IllegalArgumentException("event=" + event);
    }

    public static TelephoneEvent parse(byte[] p) {
        if (p.length < 4) return null;
        return new TelephoneEvent(p[0] & 0xFF, (p[1] & 0x80) != 0, p[1] & 0x3F, ((p[2] & 0xFF) << 8) | (p[3] & 0xFF));
    }

    public static TelephoneEvent of(char digit, boolean end, int duration) {
        int e = DIGITS.indexOf(Character.toUpperCase(digit));
        if (e < 0) throw new IllegalArgumentException("not a DTMF digit: '" + digit + "'");
        return new TelephoneEvent(e, end, 10, duration);
    }

    public byte[] encode() {
        return new byte[]{(byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >> 8), (byte) duration};
    }

    /** The digit, or '?' for events that are not DTMF (e.g. fax tones). */
    public char digit() { return event < DIGITS.length() ? DIGITS.charAt(event) : '?'; }
}
