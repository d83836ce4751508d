package foresight.sip.register;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.agent.Agent;
import foresight.db.agent.AgentRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sip.SipFactory;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The agents' registrar against a real (embedded) PostgreSQL, with REGISTERs parsed by JAIN-SIP. */
class RegistrarTest {
    static final String REALM = "foresight.test";
    static Database db;
    static AgentRepository agents;
    static MessageFactory messages;
    static HeaderFactory headers;

    record Bound(long agentId, String contact, Instant expiresAt) {}

    final List<Bound> bound = new CopyOnWriteArrayList<>();
    // Starts at the wall clock: AgentRepository.register compares expiries with Instant.now(), not this clock.
    final MutableClock clock = new MutableClock(Instant.now());
    final Registrar registrar = new Registrar(agents, REALM, clock, (a, c, e) -> bound.add(new Bound(a, c, e)));

    @BeforeAll
    static void start() throws Exception {
        db = SharedPostgres.open(2);
        agents = new AgentRepository(db.dsl());
        var sip = SipFactory.getInstance();
        sip.setPathName("gov.nist");
        messages = sip.createMessageFactory();
        headers = sip.createHeaderFactory();
    }

    @AfterAll
    static void stop() { db.close(); }

    @Test
    void aRegisterWithoutCredentialsIsChallengedWithDigestAndNothingIsBound() throws Exception {
        agent("dana", "s3cret");
        Response r = registrar.handle(register("dana", 1, null, 300), messages, headers);
        assertThat(r.getStatusCode()).isEqualTo(401);
        var challenge = (WWWAuthenticateHeader) r.getHeader(WWWAuthenticateHeader.NAME);
        assertThat(challenge.getScheme()).isEqualTo("Digest");
        assertThat(challenge.getRealm()).isEqualTo(REALM);
        assertThat(challenge.getQop()).isEqualTo("auth");
        assertThat(challenge.getNonce()).isNotBlank();
        assertThat(bound).isEmpty();
    }

    @Test
    void theRightPasswordBindsTheContactInPostgresqlTellsTheListenerAndCapsTheExpiry() throws Exception {
        Agent a = agent("erin", "pa55");
        String nonce = nonce(registrar.handle(register("erin", 1, null, 99_999), messages, headers));
        Response r = registrar.handle(register("erin", 2, authorization("erin", "pa55", nonce), 99_999), messages, headers);
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(((ContactHeader) r.getHeader(ContactHeader.NAME)).getExpires()).as("capped at 2 hours").isEqualTo(7200);
        assertThat(agents.contacts(a.id(), clock.instant())).containsExactly("sip:erin@127.0.0.1:5062");
        assertThat(bound).containsExactly(new Bound(a.id(), "sip:erin@127.0.0.1:5062", clock.instant().plusSeconds(7200)));
        assertThat(agents.contacts(a.id(), clock.instant().plusSeconds(7201))).as("gone once expired").isEmpty();
    }

    @Test
    void aWrongPasswordIsForbiddenAndBindsNothing() throws Exception {
        Agent a = agent("fred", "right");
        String nonce = nonce(registrar.handle(register("fred", 1, null, 300), messages, headers));
        Response r = registrar.handle(register("fred", 2, authorization("fred", "wrong", nonce), 300), messages, headers);
        assertThat(r.getStatusCode()).isEqualTo(403);
        assertThat(agents.contacts(a.id(), clock.instant())).isEmpty();
        assertThat(bound).isEmpty();
    }

    @Test
    void anUnknownUserIsForbidden() throws Exception {
        String nonce = nonce(registrar.handle(register("nobody", 1, null, 300), messages, headers));
        assertThat(registrar.handle(register("nobody", 2, authorization("nobody", "x", nonce), 300), messages, headers).getStatusCode()).isEqualTo(403);
    }

    @Test
    void anAnswerToAnExpiredNonceIsChallengedAgainAsStale() throws Exception {
        agent("gina", "pw");
        String nonce = nonce(registrar.handle(register("gina", 1, null, 300), messages, headers));
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        Response r = registrar.handle(register("gina", 2, authorization("gina", "pw", nonce), 300), messages, headers);
        assertThat(r.getStatusCode()).isEqualTo(401);
        assertThat(((WWWAuthenticateHeader) r.getHeader(WWWAuthenticateHeader.NAME)).isStale()).isTrue();
        assertThat(bound).isEmpty();
    }

    @Test
    void expiresZeroRemovesTheBinding() throws Exception {
        Agent a = agent("hugo", "pw");
        String nonce = nonce(registrar.handle(register("hugo", 1, null, 300), messages, headers));
        registrar.handle(register("hugo", 2, authorization("hugo", "pw", nonce), 300), messages, headers);
        assertThat(agents.contacts(a.id(), clock.instant())).hasSize(1);
        Response r = registrar.handle(register("hugo", 3, authorization("hugo", "pw", nonce), 0), messages, headers);
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(agents.contacts(a.id(), clock.instant())).isEmpty();
        assertThat(bound.getLast()).isEqualTo(new Bound(a.id(), "sip:hugo@127.0.0.1:5062", Instant.EPOCH));
    }

    @Test
    void anInviteWithTheAgentsProxyCredentialsAuthenticatesAsThatAgent() throws Exception {
        Agent a = agent("iris", "pw");
        String nonce = ((ProxyAuthenticateHeader) registrar.challengeProxy(register("iris", 1, null, 300), messages, headers)
                .getHeader(ProxyAuthenticateHeader.NAME)).getNonce();
        Request invite = messages.createRequest("INVITE sip:*1@127.0.0.1 SIP/2.0\r\n" + common("iris", 1, "INVITE")
                + "Proxy-" + authorization("iris", "pw", nonce, "INVITE", "sip:*1@127.0.0.1") + "Content-Length: 0\r\n\r\n");
        assertThat(registrar.authenticate(invite)).map(Agent::id).contains(a.id());
        Request wrong = messages.createRequest("INVITE sip:*1@127.0.0.1 SIP/2.0\r\n" + common("iris", 2, "INVITE")
                + "Proxy-" + authorization("iris", "nope", nonce, "INVITE", "sip:*1@127.0.0.1") + "Content-Length: 0\r\n\r\n");
        assertThat(registrar.authenticate(wrong)).isEmpty();
    }

    private static Agent agent(String username, String password) {
        return agents.upsert(username, username, REALM, password, Set.of("support"));
    }

    private static Request register(String user, int cseq, String authorization, int expires) throws Exception {
        return messages.createRequest("REGISTER sip:127.0.0.1 SIP/2.0\r\n" + common(user, cseq, "REGISTER")
                + "Contact: <sip:" + user + "@127.0.0.1:5062>\r\nExpires: " + expires + "\r\n"
                + (authorization == null ? "" : authorization) + "Content-Length: 0\r\n\r\n");
    }

    private static String common(String user, int cseq, String method) {
        return "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-" + user + cseq + method + "\r\n"
                + "From: <sip:" + user + "@127.0.0.1>;tag=t-" + user + "\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: reg-" + user + "@127.0.0.1\r\nCSeq: " + cseq + " " + method + "\r\nMax-Forwards: 70\r\n";
    }

    private static String authorization(String user, String password, String nonce) {
        return authorization(user, password, nonce, "REGISTER", "sip:127.0.0.1");
    }

    /** What a phone sends back (RFC 2617 §3.2.2, qop=auth). */
    private static String authorization(String user, String password, String nonce, String method, String uri) {
        String ha1 = DigestAuthenticator.md5(user + ":" + REALM + ":" + password);
        String response = DigestAuthenticator.expectedResponse(ha1, method, uri, nonce, "00000001", "c0ffee", "auth");
        return "Authorization: Digest username=\"" + user + "\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c0ffee\"\r\n";
    }

    private static String nonce(Response challenge) {
        assertThat(challenge.getStatusCode()).isEqualTo(401);
        return ((WWWAuthenticateHeader) challenge.getHeader(WWWAuthenticateHeader.NAME)).getNonce();
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) { this.now = now; }

        @Override
        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(java.time.ZoneId zone) { return this; }

        @Override
        public Instant instant() { return now; }
    }
}
