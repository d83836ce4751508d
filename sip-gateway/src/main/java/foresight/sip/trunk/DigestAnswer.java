package foresight.sip.trunk;

import foresight.sip.register.DigestAuthenticator;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Our answer to a carrier's digest challenge (RFC 3261 §22.2 and §22.3, RFC 2617 §3.2.2): MD5, with {@code qop=auth}
 * when the challenge offers it (then a fresh client nonce and nonce count 1). The hashing is the registrar's
 * ({@link DigestAuthenticator#expectedResponse}): the same arithmetic, seen from the other side.
 */
public record DigestAnswer(String username, String realm, String nonce, String uri, String response, String qop, String cnonce, String nc,
                           String opaque, String algorithm) {
    /** Nonce count of the first (and only) request we send with a given nonce. */
    static final String FIRST_NC = "00000001";

    /**
     * The answer for {@code method} to {@code uri} with these credentials; {@code qopOffered} is the challenge's qop
     * list (null: RFC 2069 style). {@code algorithm} other than MD5 is not supported.
     *
     * @throws IllegalArgumentException when the challenge asks for something we cannot do (another algorithm, auth-int only)
     */
    public static DigestAnswer of(String username, String password, String realm, String nonce, String opaque, String algorithm, String qopOffered,
                                  String method, String uri) {
        return of(username, password, realm, nonce, opaque, algorithm, qopOffered, method, uri, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    }

    static DigestAnswer of(String username, String password, String realm, String nonce, String opaque, String algorithm, String qopOffered,
                           String method, String uri, String cnonce) {
        if (algorithm != null && !algorithm.isBlank() && !algorithm.equalsIgnoreCase("MD5")) {
            throw new IllegalArgumentException("digest algorithm " + algorithm + " is not supported (MD5 only)");
        }
        if (nonce == null) throw new IllegalArgumentException("challenge without a nonce");
        String qop = null;
        if (qopOffered != null && !qopOffered.isBlank()) {
            for (String q : qopOffered.split(",")) if (q.strip().equalsIgnoreCase("auth")) qop = "auth";
            if (qop == null) throw new IllegalArgumentException("digest qop '" + qopOffered + "' is not supported (auth only)");
        }
        String ha1 = DigestAuthenticator.md5(username + ":" + (realm == null ? "" : realm) + ":" + password);
        String nc = qop == null ? null : FIRST_NC;
        String cn = qop == null ? null : cnonce;
        String response = DigestAuthenticator.expectedResponse(ha1, method, uri, nonce, nc, cn, qop);
        return new DigestAnswer(username, realm, nonce, uri, response, qop, cn, nc, opaque, algorithm == null || algorithm.isBlank() ? null : "MD5");
    }
}
