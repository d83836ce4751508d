package foresight.sip.register;

import foresight.db.agent.Agent;
import foresight.db.agent.AgentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ListIterator;
import java.util.Optional;

/**
 * The agents' registrar (RFC 3261 §10.3): challenges with Digest, checks the response against the HA1 stored for
 * the agent, and stores each Contact binding in PostgreSQL so any node can ring the agent. Thread-safe.
 */
public final class Registrar {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    private static final int DEFAULT_EXPIRES = 3600;
    private static final int MAX_EXPIRES = 7200;

    private final AgentRepository agents;
    private final DigestAuthenticator digest;
    private final String realm;
    private final Clock clock;
    private final Listener listener;

    /** Told about every binding stored or removed, after it is in PostgreSQL (the ACD keeps agents' phones in memory). */
    @FunctionalInterface
    public interface Listener {
        /** {@code expiresAt} in the past: the binding was removed. */
        void bound(long agentId, String contact, Instant expiresAt);
    }

    public Registrar(AgentRepository agents, String realm, Clock clock) { this(agents, realm, clock, (a, c, e) -> { }); }

    public Registrar(AgentRepository agents, String realm, Clock clock, Listener listener) {
        this.listener = listener;
        this.agents = agents;
        this.realm = realm;
        this.clock = clock;
        this.digest = new DigestAuthenticator(clock);
    }

    /** Builds the response to a REGISTER. Blocks on the database briefly. */
    public Response handle(Request request, MessageFactory messages, HeaderFactory headers) throws ParseException, javax.sip.InvalidArgumentException {
        var auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
        String aor = ((SipURI) ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI()).getUser();
        if (auth == null) return challenge(request, messages, headers, false);
        Optional<Agent> agent = agents.findByUsername(auth.getUsername());
        boolean stale = !digest.nonceValid(auth.getNonce());
        if (agent.isEmpty() || stale || !responseMatches(auth, agent.get(), request.getMethod())) {
            log.info("event=register_rejected user={} aor={} reason={}", auth.getUsername(), aor,
                    agent.isEmpty() ? "unknown_user" : stale ? "stale_nonce" : "bad_password");
            return stale && agent.isPresent() ? challenge(request, messages, headers, true) : messages.createResponse(Response.FORBIDDEN, request);
        }
        Agent a = agent.get();
        var ok = messages.createResponse(Response.OK, request);
        var expiresHeader = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            var c = (ContactHeader) contacts.next();
            if (c.getAddress().isWildcard()) continue;
            int expires = c.getExpires() >= 0 ? c.getExpires() : expiresHeader != null ? expiresHeader.getExpires() : DEFAULT_EXPIRES;
            expires = Math.min(expires, MAX_EXPIRES);
            String uri = c.getAddress().getURI().toString();
            Instant until = Instant.now(clock).plusSeconds(expires);
            agents.register(a.id(), uri, expires == 0 ? Instant.EPOCH : until);
            try {
                listener.bound(a.id(), uri, expires == 0 ? Instant.EPOCH : until);
            } catch (RuntimeException e) {
                log.warn("event=registration_listener_failed agent={} error={}", a.username(), e.toString());
            }
            log.info("event={} agent={} contact={} expires={}", expires == 0 ? "unregistered" : "registered", a.username(), uri, expires);
            var back = (ContactHeader) c.clone();
            back.setExpires(expires);
            ok.addHeader(back);
        }
        return ok;
    }

    /**
     * The agent whose digest credentials on this request (Proxy-Authorization, as a phone sends after a 407) are
     * valid; empty if there are none or they are wrong or stale. For INVITEs only agents may place (feature codes).
     */
    public Optional<Agent> authenticate(Request request) {
        var auth = (AuthorizationHeader) request.getHeader(javax.sip.header.ProxyAuthorizationHeader.NAME);
        if (auth == null) auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
        if (auth == null) return Optional.empty();
        Optional<Agent> agent = agents.findByUsername(auth.getUsername());
        if (agent.isEmpty() || !digest.nonceValid(auth.getNonce()) || !responseMatches(auth, agent.get(), request.getMethod())) {
            log.info("event=invite_auth_rejected user={} reason={}", auth.getUsername(), agent.isEmpty() ? "unknown_user" : "bad_credentials");
            return Optional.empty();
        }
        return agent;
    }

    /** The agent with this username, for a request from a trusted peer that authenticated the phone itself. */
    public Optional<Agent> agentNamed(String username) {
        return username == null ? Optional.empty() : agents.findByUsername(username);
    }

    /** True if the request carries credentials at all (a second failure is refused, not challenged again). */
    public static boolean hasCredentials(Request request) {
        return request.getHeader(javax.sip.header.ProxyAuthorizationHeader.NAME) != null || request.getHeader(AuthorizationHeader.NAME) != null;
    }

    /** 407 Proxy Authentication Required with a fresh nonce (RFC 3261 §22.3). */
    public Response challengeProxy(Request request, MessageFactory messages, HeaderFactory headers) throws ParseException {
        var r = messages.createResponse(Response.PROXY_AUTHENTICATION_REQUIRED, request);
        javax.sip.header.ProxyAuthenticateHeader h = headers.createProxyAuthenticateHeader("Digest");
        h.setRealm(realm);
        h.setNonce(digest.newNonce());
        h.setAlgorithm("MD5");
        h.setQop("auth");
        r.addHeader(h);
        return r;
    }

    private boolean responseMatches(AuthorizationHeader auth, Agent agent, String method) {
        if (!realm.equals(auth.getRealm()) || !realm.equals(agent.realm())) return false;
        String nc = auth.getNonceCount() < 0 ? null : String.format("%08x", auth.getNonceCount());
        String expected = DigestAuthenticator.expectedResponse(agent.passwordHa1(), method, auth.getURI().toString(),
                auth.getNonce(), nc, auth.getCNonce(), auth.getQop());
        return expected.equalsIgnoreCase(auth.getResponse());
    }

    private Response challenge(Request request, MessageFactory messages, HeaderFactory headers, boolean stale) throws ParseException {
        var r = messages.createResponse(Response.UNAUTHORIZED, request);
        WWWAuthenticateHeader h = headers.createWWWAuthenticateHeader("Digest");
        h.setRealm(realm);
        h.setNonce(digest.newNonce());
        h.setAlgorithm("MD5");
        h.setQop("auth");
        if (stale) h.setStale(true);
        r.addHeader(h);
        return r;
    }
}
