package foresight.sip.sdp;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * One SDES crypto attribute (RFC 4568 §4): {@code a=crypto:TAG AES_CM_128_HMAC_SHA1_80 inline:KEY||SALT}. Only that
 * suite, one key, no MKI and no session parameters are accepted (anything else is not ours to answer).
 */
public record SdesCrypto(int tag, String suite, byte[] keyAndSalt) {
    public static final String SUITE = "AES_CM_128_HMAC_SHA1_80";
    private static final SecureRandom RANDOM = new SecureRandom();

    public SdesCrypto {
        if (tag < 0 || tag > 999_999_999) throw new IllegalArgumentException("crypto tag out of range: " + tag);
        if (!SUITE.equals(suite)) throw new IllegalArgumentException("unsupported crypto suite " + suite);
        if (keyAndSalt.length != 30) throw new IllegalArgumentException("AES_CM_128 key||salt must be 30 bytes, was " + keyAndSalt.length);
        keyAndSalt = keyAndSalt.clone();
    }

    /** The attribute's value (after {@code a=crypto:}), or null if it is not one we support. */
    public static SdesCrypto parse(String value) {
        String[] f = value.trim().split("\\s+");
        if (f.length != 3 || !SUITE.equals(f[1]) || !f[2].startsWith("inline:")) return null; // session params: not supported
        String[] keyParams = f[2].substring(7).split("\\|");
        if (keyParams.length > 2 || f[2].contains(";")) return null; // MKI or several keys
        try {
            byte[] key = Base64.getDecoder().decode(keyParams[0]);
            return key.length == 30 ? new SdesCrypto(Integer.parseInt(f[0]), f[1], key) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A fresh random key for our side, answering with the offer's tag (RFC 4568 §5.1.2). */
    public static SdesCrypto answering(SdesCrypto offer) {
        byte[] k = new byte[30];
        RANDOM.nextBytes(k);
        return new SdesCrypto(offer.tag(), SUITE, k);
    }

    /** A fresh random key for an offer of ours. */
    public static SdesCrypto offering(int tag) {
        byte[] k = new byte[30];
        RANDOM.nextBytes(k);
        return new SdesCrypto(tag, SUITE, k);
    }

    /** The attribute value for our SDP. */
    public String attribute() { return tag + " " + suite + " inline:" + Base64.getEncoder().encodeToString(keyAndSalt); }

    @Override
    public byte[] keyAndSalt() { return keyAndSalt.clone(); }

    @Override
    public String toString() { return "SdesCrypto[tag=" + tag + ", suite=" + suite + "]"; } // never log keys
}
