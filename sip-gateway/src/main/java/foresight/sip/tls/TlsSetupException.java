package foresight.sip.tls;

/** The SIP/TLS certificate or key cannot be used; the message names the file and what is wrong with it. */
public final class TlsSetupException extends Exception {
    public TlsSetupException(String message) { super(message); }

    public TlsSetupException(String message, Throwable cause) { super(message, cause); }
}
