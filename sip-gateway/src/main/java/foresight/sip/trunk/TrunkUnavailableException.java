package foresight.sip.trunk;

/**
 * A call to a phone number that was not placed: the number is not one ({@code bad_number}), no trunk takes it
 * ({@code no_route}), or its trunk has all its channels in use ({@code trunk_full}). Nothing was sent to the carrier.
 */
public final class TrunkUnavailableException extends Exception {
    private final String reason;

    public TrunkUnavailableException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** One word for logs and call rows: {@code bad_number}, {@code no_route}, {@code trunk_full}. */
    public String reason() { return reason; }
}
