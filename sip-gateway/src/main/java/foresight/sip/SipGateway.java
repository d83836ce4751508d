package foresight.sip;

import foresight.call.Call;
import foresight.call.IncomingCallListener;
import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.media.rtp.RtpSession;
import foresight.sip.guard.FloodGuard;
import foresight.sip.register.Registrar;
import foresight.sip.sdp.Sdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The SIP side of Foresight on JAIN-SIP: answers inbound INVITEs (handing each call to the listener on its own
 * virtual thread), dials outbound legs, handles BYE/CANCEL/OPTIONS and the agents' REGISTER.
 * JAIN-SIP callbacks never block on media or flows: they complete a leg's futures or start a virtual thread.
 */
public final class SipGateway implements SipListener, AutoCloseable {
    static final Logger log = LoggerFactory.getLogger(SipGateway.class);
    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, REFER, NOTIFY";
    static final int DTMF_PT = 101;

    private final SipConfig config;
    final RtpEngine rtpEngine;
    private final Pacer pacer;
    private final Registrar registrar; // null: REGISTER answered 403
    private final IncomingCallListener listener;
    private final FloodGuard guard; // null: no flood protection (test peers)
    final Map<String, SipLeg> legs = new ConcurrentHashMap<>();
    private final DialogRequests dialogs = new DialogRequests(this);
    private final OutboundDialer dialer = new OutboundDialer(this);
    /** The live trunks.yml (replaced on reload); phone numbers are dialled over its trunks. */
    volatile java.util.function.Supplier<foresight.sip.trunk.TrunkPlan> trunks = () -> foresight.sip.trunk.TrunkPlan.NONE;
    final foresight.sip.trunk.TrunkChannels trunkChannels = new foresight.sip.trunk.TrunkChannels();
    private SipStack stack;
    private foresight.sip.transport.FlowRouter flows;
    SipProvider provider;
    AddressFactory addresses;
    HeaderFactory headers;
    MessageFactory messages;
    private volatile boolean running;

    public SipGateway(SipConfig config, RtpEngine rtpEngine, Pacer pacer, Registrar registrar, IncomingCallListener listener) {
        this(config, rtpEngine, pacer, registrar, listener, null);
    }

    public SipGateway(SipConfig config, RtpEngine rtpEngine, Pacer pacer, Registrar registrar, IncomingCallListener listener, FloodGuard guard) {
        this.guard = guard;
        this.config = config;
        this.rtpEngine = rtpEngine;
        this.pacer = pacer;
        this.registrar = registrar;
        this.listener = listener;
    }

    /** Binds UDP and TCP on the configured bind address and port; Via headers name the advertised host. */
    public void start() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        var p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "jainsip.foresight-" + config.host().replace('.', '_') + "-" + config.port()); // JAIN-SIP logs under this name
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", VersionKeepingParserFactory.class.getName());
        if (config.tlsPort() > 0) tlsProperties(p);
        p.setProperty("javax.sip.ROUTER_PATH", foresight.sip.transport.FlowRouter.class.getName());
        // Bursts of datagrams are lost with default socket buffers; 1 MiB holds a few thousand requests.
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", String.valueOf(1 << 20));
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", String.valueOf(1 << 20));
        stack = factory.createSipStack(p);
        flows = (foresight.sip.transport.FlowRouter) stack.getRouter();
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        ListeningPoint udp = listen(config.bindHost(), ListeningPoint.UDP);
        ListeningPoint tcp = listen(config.bindHost(), ListeningPoint.TCP);
        provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        if (config.tlsPort() > 0) provider.addListeningPoint(listen(config.bindHost(), config.tlsPort(), ListeningPoint.TLS));
        provider.addSipListener(this);
        stack.start();
        running = true;
        log.info("event=sip_started host={} bind={} port={} transports=udp,tcp{}", config.host(), config.bindHost(), config.port(),
                config.tlsPort() > 0 ? ",tls:" + config.tlsPort() : "");
    }

    /**
     * SIP over TLS (RFC 3261 §26.2): TLS 1.2 and 1.3 only, AEAD cipher suites with forward secrecy, no client
     * certificates asked for (phones authenticate with digest). The NIO transport runs every connection's handshake on
     * its selector, so a peer that sends garbage or stalls its handshake holds a socket (closed when idle), never a
     * thread; it also carries TCP then.
     */
    private void tlsProperties(Properties p) {
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", foresight.sip.transport.NioFixMessageProcessorFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", foresight.sip.tls.PemSecurityManagerProvider.class.getName());
        p.setProperty(foresight.sip.tls.PemSecurityManagerProvider.CERT, config.tlsCert());
        p.setProperty(foresight.sip.tls.PemSecurityManagerProvider.KEY, config.tlsKey());
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "DisabledAll");
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "10000");
        // A connection that carries nothing for 5 minutes is closed (a stalled handshake included); registered phones
        // re-register and keep theirs alive well within that.
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", "300000");
    }

    /**
     * A listening point on {@code bindHost}; requests the stack builds itself (BYE, re-INVITE in a dialog) carry the
     * advertised host in their Via (RFC 3261 §18.2.1: sent-by must be an address the peer can answer to, never 0.0.0.0).
     */
    private ListeningPoint listen(String bindHost, String transport) throws Exception {
        return listen(bindHost, config.port(), transport);
    }

    private ListeningPoint listen(String bindHost, int port, String transport) throws Exception {
        ListeningPoint lp = stack.createListeningPoint(bindHost, port, transport);
        if (!bindHost.equals(config.host()) && lp instanceof gov.nist.javax.sip.ListeningPointImpl impl) {
            impl.setSentBy(config.host() + ":" + port);
        }
        return lp;
    }

    public SipConfig config() { return config; }

    public boolean running() { return running; }

    public int activeLegs() { return legs.size(); }

    private volatile boolean draining;

    /**
     * Stops taking new calls: from now on a new INVITE is answered 503 with Retry-After (a proxy such as Kamailio's
     * dispatcher tries its next node) and an OPTIONS outside a call 503 (its probe marks this node down); requests of calls in progress
     * are served as before. Used before a planned stop ({@code SIGTERM}).
     */
    public void drain() {
        draining = true;
        log.info("event=drain_started legs={}", legs.size());
    }

    public boolean draining() { return draining; }

    // ---- inbound requests -------------------------------------------------------------------------------

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        if (!admitted(event)) return;
        try {
            if (rejectUnsupportedVersion(event)) return;
            if (draining && (Request.OPTIONS.equals(request.getMethod()) || Request.INVITE.equals(request.getMethod()))
                    && !legs.containsKey(callId(request))) { // a new call, or a proxy's probe; never a call in progress
                refuse(event, "draining");
                return;
            }
            switch (request.getMethod()) {
                case Request.INVITE -> onInvite(event);
                case Request.ACK -> dialogs.onAck(request);
                case Request.BYE -> dialogs.onBye(event);
                case Request.CANCEL -> dialogs.onCancel(event);
                case Request.OPTIONS -> respond(event, messages.createResponse(Response.OK, request));
                case Request.REGISTER -> onRegister(event);
                case Request.INFO -> dialogs.onInfo(event);
                case Request.UPDATE -> dialogs.onUpdate(event);
                case Request.REFER -> dialogs.onRefer(event);
                case Request.NOTIFY -> dialogs.onNotify(event);
                default -> respond(event, messages.createResponse(Response.NOT_IMPLEMENTED, request));
            }
        } catch (Exception e) {
            log.warn("event=request_failed method={} call_id={} error={}", request.getMethod(), callId(request), e.toString());
            try {
                respond(event, messages.createResponse(Response.SERVER_INTERNAL_ERROR, request));
            } catch (Exception ignored) {
                // the transaction is already answered or gone; nothing more to tell the peer
            }
        }
    }

    /**
     * RFC 3261 §8.2.2 and §21.5.6: a request of a SIP version other than 2.0 gets 505 Version Not Supported (an ACK,
     * which has no response, is ignored). The stack's parser records every request as SIP/2.0; {@link VersionKeepingParserFactory} keeps the real one. Returns true if rejected.
     */
    private boolean rejectUnsupportedVersion(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        if (!(request instanceof gov.nist.javax.sip.message.SIPRequest r) || "SIP/2.0".equalsIgnoreCase(r.getSIPVersion())) return false;
        log.info("event=request_rejected method={} call_id={} reason=version version={}", request.getMethod(), callId(request), r.getSIPVersion());
        if (Request.ACK.equals(request.getMethod())) return true;
        respond(event, messages.createResponse(Response.VERSION_NOT_SUPPORTED, request));
        return true;
    }

    private void onInvite(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        String sipCallId = callId(request);
        if (legs.containsKey(sipCallId)) {
            dialogs.onReInvite(event, legs.get(sipCallId));
            return;
        }
        ServerTransaction st = serverTx(event);
        if (rejectUnsupportedExtensions(st, request)) return;
        st.sendResponse(messages.createResponse(Response.TRYING, request));
        Sdp offer;
        try {
            offer = Sdp.parse(body(request));
        } catch (RuntimeException e) {
            log.info("event=invite_rejected call_id={} reason=bad_sdp detail={}", sipCallId, e.getMessage());
            st.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, request));
            return;
        }
        int audioType = offer.chooseAudioType();
        if (audioType < 0) {
            log.info("event=invite_rejected call_id={} reason=no_common_codec", sipCallId);
            st.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, request));
            return;
        }
        // RFC 4568: SRTP keys come in the offer (SDES); we answer with our own. On a TLS call with sip.srtp mandatory a
        // plain offer is refused (488, RFC 3261 §21.4.26), as is a secure offer without a key we can use.
        var theirKey = offer.secure() ? offer.chooseCrypto() : null;
        boolean overTls = ListeningPoint.TLS.equalsIgnoreCase(((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport());
        if ((offer.secure() && theirKey == null) || (theirKey == null && overTls && config.srtp() == SipConfig.SrtpPolicy.MANDATORY)) {
            log.info("event=invite_rejected call_id={} reason={}", sipCallId, offer.secure() ? "no_usable_srtp_key" : "srtp_required");
            Response r = messages.createResponse(Response.NOT_ACCEPTABLE_HERE, request);
            r.addHeader(headers.createWarningHeader(config.host(), 305, offer.secure() ? "Only AES_CM_128_HMAC_SHA1_80 SDES keys are supported" : "SRTP required"));
            st.sendResponse(r);
            return;
        }
        String from = ((SipURI) ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI()).getUser();
        String dialed = request.getRequestURI() instanceof SipURI u ? u.getUser() : null;
        String agent = null;
        if (dialed != null && dialed.startsWith("*")) {
            // Feature codes (*41 log in, *42 log out …) change an agent's state: only an agent may dial them, proven
            // by digest credentials (407 challenge, as a proxy would); anyone else gets 403.
            // A trusted peer (the cluster's proxy) authenticated the phone itself: its From user names the agent.
            boolean trustedPeer = guard != null && guard.trusted(source(request));
            var who = registrar == null ? java.util.Optional.<foresight.db.agent.Agent>empty()
                    : trustedPeer ? registrar.agentNamed(from) : registrar.authenticate(request);
            if (who.isEmpty()) {
                boolean challenge = registrar != null && !trustedPeer && !Registrar.hasCredentials(request);
                st.sendResponse(challenge ? registrar.challengeProxy(request, messages, headers) : messages.createResponse(Response.FORBIDDEN, request));
                log.info("event=invite_{} call_id={} dialed={} reason=feature_code_needs_agent", challenge ? "challenged" : "rejected", sipCallId, dialed);
                return;
            }
            agent = who.get().username();
        }
        String authenticatedAgent = agent;
        Thread.ofVirtual().name("call-setup-" + sipCallId).start(() -> {
            RtpSession rtp = null;
            try {
                rtp = rtpEngine.open();
                rtp.configure(offer.audioTarget(), audioType, offer.telephoneEventType() >= 0 ? offer.telephoneEventType() : DTMF_PT);
                SipLeg leg = new SipLeg(sipCallId, true, rtp, request, newTag());
                if (theirKey != null) {
                    leg.localCrypto = foresight.sip.sdp.SdesCrypto.answering(theirKey);
                    rtp.secure(leg.localCrypto.keyAndSalt(), theirKey.keyAndSalt());
                }
                leg.inviteServerTx = st;
                legs.put(sipCallId, leg);
                Response ringing = messages.createResponse(Response.RINGING, request);
                ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(leg.localTag);
                ringing.addHeader(contact(request));
                st.sendResponse(ringing);
                leg.dialog = st.getDialog();
                Call call = new Call(newCallId(), from == null ? "anonymous" : from, leg, this, pacer);
                call.dialled(dialed, authenticatedAgent);
                log.info("call={} event=invite caller={} sip_call_id={} codec={}", call.id(), Call.maskNumber(call.callerNumber()), sipCallId, audioType == 0 ? "PCMU" : "PCMA");
                listener.onCall(call);
            } catch (Exception e) {
                log.error("event=call_failed sip_call_id={}", sipCallId, e);
                SipLeg leg = legs.get(sipCallId);
                if (leg != null) hangUp(leg, new LegEnd.Error());
                else if (rtp != null) rtp.close();
            }
        });
    }

    /**
     * RFC 3261 §8.2.2.3: a request that Requires an extension we do not support (e.g. 100rel, RFC 3262, since we
     * send no reliable provisionals) gets 420 Bad Extension listing them in Unsupported. Returns true if rejected.
     */
    private boolean rejectUnsupportedExtensions(ServerTransaction st, Request request) throws Exception {
        var required = request.getHeaders(javax.sip.header.RequireHeader.NAME);
        java.util.List<String> unsupported = new java.util.ArrayList<>();
        while (required != null && required.hasNext()) unsupported.add(((javax.sip.header.RequireHeader) required.next()).getOptionTag());
        if (unsupported.isEmpty()) return false;
        Response r = messages.createResponse(Response.BAD_EXTENSION, request);
        for (String tag : unsupported) r.addHeader(headers.createUnsupportedHeader(tag));
        st.sendResponse(r);
        log.info("event=invite_rejected call_id={} reason=unsupported_extension tags={}", callId(request), unsupported);
        return true;
    }

    private void onRegister(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        Response r = registrar == null ? messages.createResponse(Response.FORBIDDEN, request) : registrar.handle(request, messages, headers);
        if (guard != null && r.getStatusCode() == Response.FORBIDDEN && guard.authFailed(source(request))) {
            log.warn("event=source_banned source={} reason=failed_logins", source(request));
        } else if (guard != null && r.getStatusCode() == Response.OK) {
            guard.authSucceeded(source(request));
        }
        if (r.getStatusCode() == Response.OK) rememberFlows(request, r);
        respond(event, r);
    }

    /**
     * A phone registered over TCP or TLS is rung down the connection it registered on (see {@link
     * foresight.sip.transport.FlowRouter}); {@code r} holds the bindings the registrar accepted, with their expiry.
     */
    private void rememberFlows(Request request, Response r) {
        String transport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport();
        if (!(request instanceof gov.nist.javax.sip.message.SIPMessage m) || m.getRemoteAddress() == null
                || !(ListeningPoint.TCP.equalsIgnoreCase(transport) || ListeningPoint.TLS.equalsIgnoreCase(transport))) return;
        var contacts = r.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            var c = (ContactHeader) contacts.next();
            if (!(c.getAddress().getURI() instanceof SipURI uri)) continue;
            if (c.getExpires() == 0) flows.unbind(uri);
            else flows.bind(uri, m.getRemoteAddress().getHostAddress(), m.getRemotePort(), transport);
        }
    }

    /**
     * The flood guard's verdict, before any work. Requests inside a known dialog (ACK, BYE, CANCEL of our calls)
     * always pass, so a rate limit never breaks a call in progress. A new INVITE over its source's rate, or over the
     * node's ceiling of new calls per second, is refused with 503 and Retry-After (RFC 3261 §21.5.4) so the caller or
     * carrier retries elsewhere or later; other requests over the limit, and scanners, get no answer at all.
     */
    private boolean admitted(RequestEvent event) {
        if (guard == null) return true;
        Request request = event.getRequest();
        String method = request.getMethod();
        if ((Request.ACK.equals(method) || Request.BYE.equals(method) || Request.CANCEL.equals(method) || Request.INVITE.equals(method)
                || Request.INFO.equals(method) || Request.UPDATE.equals(method) || Request.REFER.equals(method) || Request.NOTIFY.equals(method))
                && legs.containsKey(callId(request))) return true;
        var ua = (UserAgentHeader) request.getHeader(UserAgentHeader.NAME);
        String agent = ua == null ? null : String.join(" ", iterable(ua.getProduct()));
        long now = System.nanoTime();
        FloodGuard.Verdict v = guard.check(source(request), agent, now);
        boolean newCall = Request.INVITE.equals(method);
        if (v == FloodGuard.Verdict.PASS) {
            if (!newCall || guard.admitCall(now)) return true;
            refuse(event, "overload");
            return false;
        }
        if (v == FloodGuard.Verdict.RATE_LIMITED && newCall) {
            refuse(event, "rate_limited");
            return false;
        }
        log.debug("event=request_dropped method={} source={} verdict={}", method, source(request), v);
        return false;
    }

    /** 503 Service Unavailable with Retry-After: 1 for a new call the guard turned away. Never throws. */
    private void refuse(RequestEvent event, String reason) {
        Request request = event.getRequest();
        try {
            Response r = messages.createResponse(Response.SERVICE_UNAVAILABLE, request);
            r.addHeader(headers.createRetryAfterHeader(1));
            respond(event, r);
            log.debug("event=invite_refused call_id={} source={} reason={}", callId(request), source(request), reason);
        } catch (Exception e) {
            log.debug("event=invite_refuse_failed call_id={} reason={} error={}", callId(request), reason, e.toString());
        }
    }

    private static Iterable<String> iterable(java.util.ListIterator<?> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        while (it != null && it.hasNext()) out.add(String.valueOf(it.next()));
        return out;
    }

    private static String source(Request request) {
        if (request instanceof gov.nist.javax.sip.message.SIPMessage m) {
            var a = m.getPeerPacketSourceAddress() != null ? m.getPeerPacketSourceAddress() : m.getRemoteAddress();
            if (a != null) return a.getHostAddress();
        }
        return "unknown";
    }

    // ---- operations used by Call (on call threads) ----------------------------------------------------

    /** Sends 200 OK with our SDP and waits for the ACK. */
    public void answer(SipLeg leg, Duration ackTimeout) throws Exception {
        Response ok = messages.createResponse(Response.OK, leg.invite);
        ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(leg.localTag);
        ok.addHeader(contact(leg.invite));
        ok.setContent(ourSdp(leg), headers.createContentTypeHeader("application", "sdp"));
        leg.inviteServerTx.sendResponse(ok);
        leg.dialog = leg.inviteServerTx.getDialog();
        try {
            leg.answered.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // RFC 3261 §13.3.1.4: no ACK within 64*T1 means the dialog must be ended with BYE.
            hangUp(leg, new LegEnd.LocalHangup("no_ack"));
            throw e;
        }
    }

    /** Ends the leg from our side: BYE if answered, 480/CANCEL if not. Safe to call twice. */
    public void hangUp(SipLeg leg, String reason) { hangUp(leg, new LegEnd.LocalHangup(reason)); }

    /** Ends the leg from our side, recording {@code end} as how it ended. Safe to call twice. */
    void hangUp(SipLeg leg, LegEnd end) {
        if (leg.state == SipLeg.State.ENDED) return;
        legs.remove(leg.sipCallId);
        try {
            if (leg.state == SipLeg.State.ANSWERED && leg.dialog != null) {
                Request bye = leg.dialog.createRequest(Request.BYE);
                ClientTransaction ct = provider.getNewClientTransaction(bye);
                leg.dialog.sendRequest(ct);
            } else if (leg.inbound && leg.inviteServerTx != null) {
                Response r = messages.createResponse(Response.TEMPORARILY_UNAVAILABLE, leg.invite);
                ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(leg.localTag);
                leg.inviteServerTx.sendResponse(r);
            } else if (!leg.inbound) {
                dialer.cancel(leg, end);
                return;
            }
        } catch (Exception e) {
            log.warn("event=hangup_signal_failed sip_call_id={} error={}", leg.sipCallId, e.toString());
        }
        leg.end(end);
    }

    // ---- responses and stack events --------------------------------------------------------------------

    @Override
    public void processResponse(ResponseEvent event) { dialer.onResponse(event); }

    /**
     * Dials phone numbers over the trunks {@code plan} gives at each call (e.g. the live {@code trunks.yml}). Call
     * before {@link #start()} or at any time; without it phone numbers are refused ({@code no_route}).
     */
    public SipGateway useTrunks(java.util.function.Supplier<foresight.sip.trunk.TrunkPlan> plan) {
        this.trunks = java.util.Objects.requireNonNull(plan, "plan");
        return this;
    }

    /** Calls over trunk {@code name} now (channels in use against its maxChannels). */
    public int trunkChannelsInUse(String name) { return trunkChannels.inUse(name); }

    /**
     * Dials {@code target} as {@code fromUser} and waits up to {@code ringTimeout} for an answer. A SIP URI is dialled
     * directly; a phone number ({@code tel:} or digits) goes out over the trunk {@link #useTrunks trunks.yml} routes it
     * to, as E.164, with the trunk's caller id and credentials. Returns the leg, ANSWERED or already ENDED with its
     * {@link LegEnd} (refused, no answer, error).
     *
     * @throws foresight.sip.trunk.TrunkUnavailableException a phone number that is not one, has no trunk, or whose
     *                                                        trunk has no free channel: nothing was sent
     */
    public SipLeg dial(String target, String fromUser, Duration ringTimeout) throws Exception {
        return dialer.dial(target, fromUser, ringTimeout, new CompletableFuture<>());
    }

    /** As above, but stops ringing with CANCEL as soon as {@code abandon} completes ({@code LocalHangup("abandoned")}). */
    public SipLeg dial(String target, String fromUser, Duration ringTimeout, CompletableFuture<?> abandon) throws Exception {
        return dialer.dial(target, fromUser, ringTimeout, abandon);
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        var tx = event.isServerTransaction() ? event.getServerTransaction() : event.getClientTransaction();
        if (tx == null) return;
        SipLeg leg = legs.get(callId(tx.getRequest()));
        if (leg != null && Request.INVITE.equals(tx.getRequest().getMethod()) && leg.state != SipLeg.State.ANSWERED) {
            legs.remove(leg.sipCallId);
            leg.end(new LegEnd.NoAnswer());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("event=sip_io_error peer={}:{}", event.getHost(), event.getPort());
        flows.forget(event.getHost(), event.getPort());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) { }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) { }

    // ---- helpers ----------------------------------------------------------------------------------------

    ServerTransaction serverTx(RequestEvent event) throws Exception {
        ServerTransaction st = event.getServerTransaction();
        return st != null ? st : provider.getNewServerTransaction(event.getRequest());
    }

    void respond(RequestEvent event, Response response) throws Exception {
        response.addHeader(userAgent());
        if (response.getStatusCode() == Response.OK && Request.OPTIONS.equals(event.getRequest().getMethod())) {
            response.addHeader(headers.createAllowHeader(ALLOW));
        }
        serverTx(event).sendResponse(response);
    }

    private String ourSdp(SipLeg leg) {
        return Sdp.build(config.host(), leg.rtp.localPort(), List.of(leg.rtp.payloadType()), DTMF_PT, System.currentTimeMillis(), "sendrecv", leg.localCrypto);
    }

    /**
     * Our Contact for a dialog the request opens: over TLS, the TLS port with {@code transport=tls}, so the peer's
     * in-dialog requests (ACK, BYE) come back encrypted too (RFC 3261 §26.2.2).
     */
    ContactHeader contact(Request request) throws Exception {
        var via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (config.tlsPort() > 0 && via != null && ListeningPoint.TLS.equalsIgnoreCase(via.getTransport())) {
            SipURI uri = addresses.createSipURI("foresight", config.host() + ":" + config.tlsPort());
            uri.setTransportParam("tls");
            return headers.createContactHeader(addresses.createAddress(uri));
        }
        return contact();
    }

    ContactHeader contact() throws Exception {
        SipURI uri = addresses.createSipURI("foresight", config.host() + ":" + config.port());
        Address a = addresses.createAddress(uri);
        return headers.createContactHeader(a);
    }

    UserAgentHeader userAgent() throws Exception {
        return headers.createUserAgentHeader(List.of("Foresight/0.1"));
    }

    static String body(javax.sip.message.Message m) {
        byte[] raw = m.getRawContent();
        return raw == null ? null : new String(raw, StandardCharsets.US_ASCII);
    }

    static String callId(javax.sip.message.Message m) {
        return ((CallIdHeader) m.getHeader(CallIdHeader.NAME)).getCallId();
    }

    static String newTag() { return Long.toHexString(ThreadLocalRandom.current().nextLong()); }

    static String newCallId() { return UUID.randomUUID().toString(); }

    @Override
    public void close() {
        running = false;
        for (SipLeg leg : legs.values()) hangUp(leg, new LegEnd.LocalHangup("shutdown"));
        if (stack != null) stack.stop();
    }
}
