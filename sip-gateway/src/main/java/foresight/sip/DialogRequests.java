package foresight.sip;

import foresight.sip.sdp.Sdp;

import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Requests inside an existing call: ACK, BYE, CANCEL, re-INVITE (hold/resume) and INFO (DTMF). Runs on
 * JAIN-SIP threads and never blocks: it answers and completes the leg's futures.
 */
final class DialogRequests {
    private static final Pattern DTMF_RELAY_SIGNAL = Pattern.compile("(?im)^\\s*Signal\\s*=\\s*([0-9*#A-D])");
    private final SipGateway gw;

    DialogRequests(SipGateway gw) { this.gw = gw; }

    void onAck(Request request) {
        SipLeg leg = gw.legs.get(SipGateway.callId(request));
        if (leg != null && leg.inbound) {
            leg.state = SipLeg.State.ANSWERED;
            leg.answered.complete(null);
        }
    }

    void onBye(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        gw.respond(event, gw.messages.createResponse(Response.OK, request));
        SipLeg leg = gw.legs.remove(SipGateway.callId(request));
        if (leg != null) leg.end(new LegEnd.RemoteHangup());
    }

    /**
     * The leg an in-dialog request belongs to, if it is in {@code state} (null: any state); otherwise answers
     * 481 Call/Transaction Does Not Exist and returns null.
     */
    private SipLeg legIn(RequestEvent event, SipLeg.State state) throws Exception {
        Request request = event.getRequest();
        SipLeg leg = gw.legs.get(SipGateway.callId(request));
        if (leg != null && (state == null || leg.state == state)) return leg;
        gw.respond(event, gw.messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
        return null;
    }

    void onCancel(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        SipLeg leg = legIn(event, SipLeg.State.OFFERED);
        if (leg == null) return;
        gw.respond(event, gw.messages.createResponse(Response.OK, request));
        // RFC 3261 §9.2: the INVITE it cancels gets 487 Request Terminated.
        Response terminated = gw.messages.createResponse(Response.REQUEST_TERMINATED, leg.invite);
        ((ToHeader) terminated.getHeader(ToHeader.NAME)).setTag(leg.localTag);
        leg.inviteServerTx.sendResponse(terminated);
        gw.legs.remove(leg.sipCallId);
        leg.end(new LegEnd.Cancelled());
    }

    /**
     * A re-INVITE inside a dialog: hold (sendonly/inactive or c=0.0.0.0), resume, or a new media address.
     * Answered with the mirrored direction (RFC 3264 §8.4); without SDP, our current offer is sent.
     */
    void onReInvite(RequestEvent event, SipLeg leg) throws Exception {
        Request request = event.getRequest();
        ServerTransaction st = gw.serverTx(event);
        String direction = "sendrecv";
        String body = SipGateway.body(request);
        if (body != null && !body.isBlank()) {
            Sdp offer;
            try {
                offer = Sdp.parse(body);
            } catch (RuntimeException e) {
                st.sendResponse(gw.messages.createResponse(Response.NOT_ACCEPTABLE_HERE, request));
                return;
            }
            int pt = offer.chooseAudioType();
            if (pt >= 0) leg.rtp.configure(offer.audioTarget(), pt, offer.telephoneEventType() >= 0 ? offer.telephoneEventType() : SipGateway.DTMF_PT);
            var theirKey = offer.chooseCrypto();
            if (leg.localCrypto != null && theirKey != null) leg.rtp.rekeyInbound(theirKey.keyAndSalt()); // RFC 4568 §7.1.4: a re-offer may bring a new key
            direction = offer.answerDirection();
            boolean peerSends = offer.direction().equals("sendrecv") || offer.direction().equals("sendonly");
            leg.rtp.hold(!direction.equals("sendrecv") && !direction.equals("sendonly"), !peerSends || "0.0.0.0".equals(offer.connectionAddress()));
            SipGateway.log.info("event={} sip_call_id={} direction={}", offer.holds() ? "hold" : "resume", leg.sipCallId, offer.direction());
        }
        Response ok = gw.messages.createResponse(Response.OK, request);
        ok.addHeader(gw.contact(request));
        ok.setContent(Sdp.build(gw.config().host(), leg.rtp.localPort(), List.of(leg.rtp.payloadType()), SipGateway.DTMF_PT, System.currentTimeMillis(), direction, leg.localCrypto),
                gw.headers.createContentTypeHeader("application", "sdp"));
        st.sendResponse(ok);
    }

    /**
     * UPDATE (RFC 3311): with SDP it is handled like a re-INVITE (hold, resume, new address); without SDP (e.g. a
     * session-timer refresh) it is simply confirmed. Outside a call: 481.
     */
    void onUpdate(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        SipLeg leg = legIn(event, null);
        if (leg == null) return;
        String body = SipGateway.body(request);
        if (body == null || body.isBlank()) {
            gw.respond(event, gw.messages.createResponse(Response.OK, request));
            return;
        }
        onReInvite(event, leg);
    }

    /**
     * A blind transfer (RFC 3515): the peer, typically an agent's softphone, asks us to send the other party to
     * the Refer-To target. Targets the leg's policy accepts get 202 and a final NOTIFY ("SIP/2.0 200 OK"), then the
     * call thread moves the caller on and ends this leg; others get 403 and the call goes on as before.
     */
    void onRefer(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        SipLeg leg = legIn(event, SipLeg.State.ANSWERED);
        if (leg == null) return;
        var referTo = (ReferToHeader) request.getHeader(ReferToHeader.NAME);
        if (referTo == null) {
            Response bad = gw.messages.createResponse(Response.BAD_REQUEST, request);
            bad.setReasonPhrase("Missing Refer-To");
            gw.respond(event, bad);
            return;
        }
        String target = targetOf(referTo.getAddress().getURI());
        var policy = leg.transferTargets;
        if (target == null || policy == null || !policy.test(target) || leg.referred.isDone()) {
            SipGateway.log.info("event=transfer_refused sip_call_id={} target={}", leg.sipCallId, target);
            gw.respond(event, gw.messages.createResponse(Response.FORBIDDEN, request));
            return;
        }
        // Decided before anything is sent: the referrer's BYE, which follows our NOTIFY, must find the transfer
        // already recorded, or the call thread would take it for an agent hanging up on the caller.
        leg.referred.complete(target);
        gw.respond(event, gw.messages.createResponse(Response.ACCEPTED, request));
        try {
            Request notify = leg.dialog.createRequest(Request.NOTIFY);
            notify.addHeader(gw.headers.createEventHeader("refer"));
            SubscriptionStateHeader state = gw.headers.createSubscriptionStateHeader(SubscriptionStateHeader.TERMINATED);
            state.setReasonCode("noresource");
            notify.addHeader(state);
            ContentTypeHeader sipfrag = gw.headers.createContentTypeHeader("message", "sipfrag");
            sipfrag.setParameter("version", "2.0");
            notify.setContent("SIP/2.0 200 OK\r\n", sipfrag);
            leg.dialog.sendRequest(gw.provider.getNewClientTransaction(notify));
        } catch (Exception e) {
            // The transfer still happens; the referrer just does not hear how it went.
            SipGateway.log.warn("event=transfer_notify_failed sip_call_id={} error={}", leg.sipCallId, e.toString());
        }
        SipGateway.log.info("event=transfer_accepted sip_call_id={} target={}", leg.sipCallId, target);
    }

    /** The user part of a sip:/sips: URI or the number of a tel: URI; null for anything else. */
    static String targetOf(URI uri) {
        if (uri instanceof SipURI sip) return sip.getUser();
        if (uri instanceof TelURL tel) return tel.getPhoneNumber();
        return null;
    }

    /** NOTIFY inside one of our calls (e.g. a subscription the peer thinks exists) is acknowledged; otherwise 481. */
    void onNotify(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        int status = gw.legs.containsKey(SipGateway.callId(request)) ? Response.OK : Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST;
        gw.respond(event, gw.messages.createResponse(status, request));
    }

    /**
     * DTMF by SIP INFO, as some trunks and desk phones send it: {@code application/dtmf-relay} ("Signal=5")
     * or {@code application/dtmf} ("5"). Other INFO bodies get 415; INFO outside a call gets 481.
     */
    void onInfo(RequestEvent event) throws Exception {
        Request request = event.getRequest();
        SipLeg leg = legIn(event, null);
        if (leg == null) return;
        var type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String body = SipGateway.body(request) == null ? "" : SipGateway.body(request).trim();
        Character digit = null;
        if (type != null && "dtmf-relay".equalsIgnoreCase(type.getContentSubType())) {
            var m = DTMF_RELAY_SIGNAL.matcher(body);
            if (m.find()) digit = m.group(1).charAt(0);
        } else if (type != null && "dtmf".equalsIgnoreCase(type.getContentSubType()) && body.matches("[0-9*#A-D]")) {
            digit = body.charAt(0);
        }
        if (digit == null) {
            gw.respond(event, gw.messages.createResponse(Response.UNSUPPORTED_MEDIA_TYPE, request));
            return;
        }
        gw.respond(event, gw.messages.createResponse(Response.OK, request));
        leg.rtp.deliverDigit(digit);
    }

}
