package foresight.sip.trunk;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An outbound trunk to a carrier, as {@code trunks.yml} names it: where INVITEs go ({@code uri}, e.g.
 * {@code sip:sbc.carrier.example:5060;transport=udp}), the digest credentials that answer the carrier's 401/407
 * ({@code username} empty: none), the caller id sent in From and P-Asserted-Identity, and how many calls may use it at
 * once. Immutable; a reload of the file builds new ones.
 */
public record Trunk(String name, String uri, String username, String password, String callerId, int maxChannels) {
    private static final Pattern URI = Pattern.compile("sip:(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+)(?::([0-9]{1,5}))?((?:;[A-Za-z0-9\\-]+=[A-Za-z0-9.\\-]+)*)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,40}");
    private static final Pattern CALLER_ID = Pattern.compile("\\+?[0-9A-Za-z_.\\-]{1,32}");

    public Trunk {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("name must be 1-40 letters, digits, '-' or '_', was '" + name + "'");
        if (uri == null || !URI.matcher(uri).matches()) {
            throw new IllegalArgumentException("uri must be sip:host[:port][;transport=udp|tcp|tls], was '" + uri + "' (no user part: the dialled number goes there)");
        }
        String transport = transportOf(uri);
        if (!transport.equals("udp") && !transport.equals("tcp") && !transport.equals("tls")) {
            throw new IllegalArgumentException("uri transport must be udp, tcp or tls, was '" + transport + "'");
        }
        Matcher m = URI.matcher(uri);
        if (m.matches() && m.group(2) != null && (Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535)) {
            throw new IllegalArgumentException("uri port must be 1-65535, was " + m.group(2));
        }
        username = username == null || username.isBlank() ? null : username;
        if (username != null && (password == null || password.isEmpty())) throw new IllegalArgumentException("username '" + username + "' needs a password");
        if (callerId != null && callerId.isBlank()) callerId = null;
        if (callerId != null && !CALLER_ID.matcher(callerId).matches()) throw new IllegalArgumentException("callerId must be a number or SIP user, was '" + callerId + "'");
        if (maxChannels < 1) throw new IllegalArgumentException("maxChannels must be at least 1, was " + maxChannels);
    }

    /** The transport the trunk's URI asks for ({@code udp} unless {@code ;transport=} says otherwise). */
    public String transport() { return transportOf(uri); }

    /** The Request-URI of a call to {@code e164} over this trunk: the number as user part (RFC 3261 §19.1.6). */
    public String requestUri(String e164) { return "sip:" + e164 + "@" + uri.substring("sip:".length()); }

    /** Whether the carrier's challenge can be answered. */
    public boolean hasCredentials() { return username != null; }

    @Override
    public String toString() { // never the password
        return "Trunk[name=" + name + ", uri=" + uri + ", username=" + username + ", callerId=" + callerId + ", maxChannels=" + maxChannels + "]";
    }

    private static String transportOf(String uri) {
        Matcher t = Pattern.compile(";transport=([A-Za-z]+)").matcher(uri);
        return t.find() ? t.group(1).toLowerCase(java.util.Locale.ROOT) : "udp";
    }
}
