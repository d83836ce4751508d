package foresight.sip.register;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * HTTP Digest (RFC 2617 / RFC 3261 §22.4) with MD5 and qop=auth. Nonces are stateless: a timestamp signed with
 * a per-process HMAC key, accepted for {@link #NONCE_LIFETIME}, so any thread can verify without shared state.
 */
public final class DigestAuthenticator {
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    private final byte[] key = new byte[32];
    private final Clock clock;

    public DigestAuthenticator(Clock clock) {
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    public String newNonce() {
        String ts = Long.toHexString(clock.millis());
        return ts + "." + hmac(ts);
    }

    public boolean nonceValid(String nonce) {
        if (nonce == null) return false;
        int dot = nonce.indexOf('.');
        if (dot < 0) return false;
        String ts = nonce.substring(0, dot);
        if (!MessageDigest.isEqual(hmac(ts).getBytes(StandardCharsets.US_ASCII), nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) return false;
        try {
            long age = clock.millis() - Long.parseLong(ts, 16);
            return age >= 0 && age <= NONCE_LIFETIME.toMillis();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The response a client with this HA1 must send; {@code qop} null for RFC 2069 style. */
    public static String expectedResponse(String ha1, String method, String uri, String nonce, String nc, String cnonce, String qop) {
        String ha2 = md5(method + ":" + uri);
        if (qop == null || qop.isEmpty()) return md5(ha1 + ":" + nonce + ":" + ha2);
        return md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    public static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hmac(String s) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
