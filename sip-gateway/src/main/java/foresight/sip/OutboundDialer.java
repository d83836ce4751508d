package foresight.sip;

import foresight.media.rtp.RtpSession;
import foresight.sip.sdp.Sdp;
import foresight.sip.sdp.SdesCrypto;
import foresight.sip.trunk.DigestAnswer;
import foresight.sip.trunk.Trunk;
import foresight.sip.trunk.TrunkPlan;
import foresight.sip.trunk.TrunkRoute;
import foresight.sip.trunk.TrunkUnavailableException;
import foresight.call.Call;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Outbound legs (agents, callbacks, test callers): INVITE, the responses to it, CANCEL while it rings. */
final class OutboundDialer {
    private final SipGateway gw;

    OutboundDialer(SipGateway gw) { this.gw = gw; }

    /**
     * Dials {@code target} (a SIP URI) with caller id {@code fromUser} and waits up to {@code ringTimeout} for an
     * answer, or until {@code abandon} completes (e.g. the caller hung up), when ringing is stopped with CANCEL
     * (RFC 3261 §9.1). Returns the leg: ANSWERED, or already ENDED with its {@link LegEnd}: refused
     * ({@code Busy}/{@code Failed}), {@code NoAnswer}, {@code LocalHangup("abandoned")} or {@code Error}. Blocks the calling (virtual) thread.
     */
    SipLeg dial(String target, String fromUser, Duration ringTimeout, CompletableFuture<?> abandon) throws Exception {
        if (!TrunkPlan.isPhoneNumber(target)) return dial(target, fromUser, null, ringTimeout, abandon);
        TrunkRoute route = gw.trunks.get().route(target);
        Trunk trunk = route.trunk();
        if (!gw.trunkChannels.tryTake(trunk)) {
            SipGateway.log.warn("event=trunk_full trunk={} channels={} number={} (call refused here, nothing sent to the carrier)",
                    trunk.name(), trunk.maxChannels(), Call.maskNumber(route.e164()));
            throw new TrunkUnavailableException("trunk_full", "trunk " + trunk.name() + " has all " + trunk.maxChannels() + " channels in use");
        }
        SipLeg leg;
        try {
            leg = dial(route.requestUri(), trunk.callerId() != null ? trunk.callerId() : fromUser, trunk, ringTimeout, abandon);
        } catch (Exception | Error e) {
            gw.trunkChannels.release(trunk.name());
            throw e;
        }
        leg.ended.whenComplete((end, e) -> gw.trunkChannels.release(trunk.name()));
        return leg;
    }

    private SipLeg dial(String target, String fromUser, Trunk trunk, Duration ringTimeout, CompletableFuture<?> abandon) throws Exception {
        RtpSession rtp = gw.rtpEngine.open();
        SipURI requestUri = (SipURI) gw.addresses.createURI(target.replaceAll("^<|>$", ""));
        String sipCallId = gw.provider.getNewCallId().getCallId();
        String tag = SipGateway.newTag();
        SipURI fromUri = gw.addresses.createSipURI(fromUser, gw.config().host() + ":" + gw.config().port());
        FromHeader fromH = gw.headers.createFromHeader(gw.addresses.createAddress(fromUri), tag);
        SipURI toUri = gw.addresses.createSipURI(requestUri.getUser(), requestUri.getHost() + (requestUri.getPort() > 0 ? ":" + requestUri.getPort() : ""));
        ToHeader toH = gw.headers.createToHeader(gw.addresses.createAddress(toUri), null);
        String transport = requestUri.isSecure() ? "tls" : requestUri.getTransportParam() == null ? "udp" : requestUri.getTransportParam();
        boolean tls = "tls".equalsIgnoreCase(transport) && gw.config().tlsPort() > 0;
        ViaHeader via = gw.headers.createViaHeader(gw.config().host(), tls ? gw.config().tlsPort() : gw.config().port(), transport, null);
        CallIdHeader callIdH = gw.headers.createCallIdHeader(sipCallId);
        CSeqHeader cseq = gw.headers.createCSeqHeader(1L, Request.INVITE);
        Request invite = gw.messages.createRequest(requestUri, Request.INVITE, callIdH, cseq, fromH, toH, List.of(via), gw.headers.createMaxForwardsHeader(70));
        invite.addHeader(gw.contact(invite));
        invite.addHeader(gw.headers.createAllowHeader(SipGateway.ALLOW));
        invite.addHeader(gw.userAgent());
        if (trunk != null && trunk.callerId() != null) {
            // RFC 3325 §9.1: the identity we assert to a carrier that trusts us; many require it beside From.
            invite.addHeader(gw.headers.createHeader("P-Asserted-Identity", "<" + fromUri + ">"));
        }
        // Over TLS we offer SRTP (RFC 4568): insisting (RTP/SAVP) when sip.srtp is mandatory, else best effort (RTP/AVP
        // with a key, which a phone without SRTP simply ignores).
        SdesCrypto key = tls ? SdesCrypto.offering(1) : null;
        String profile = key != null && gw.config().srtp() == foresight.sip.SipConfig.SrtpPolicy.MANDATORY ? Sdp.SAVP : "RTP/AVP";
        invite.setContent(Sdp.build(gw.config().host(), rtp.localPort(), List.of(Sdp.PCMU, Sdp.PCMA), SipGateway.DTMF_PT, System.currentTimeMillis(),
                "sendrecv", key, profile), gw.headers.createContentTypeHeader("application", "sdp"));
        SipLeg leg = new SipLeg(sipCallId, false, rtp, invite, tag);
        leg.localCrypto = key;
        leg.target = target;
        leg.trunk = trunk;
        gw.legs.put(sipCallId, leg);
        ClientTransaction ct = gw.provider.getNewClientTransaction(invite);
        leg.inviteClientTx = ct;
        ct.sendRequest();
        if (trunk == null) SipGateway.log.info("event=dial sip_call_id={} target={}", sipCallId, target);
        else SipGateway.log.info("event=dial sip_call_id={} trunk={} number={} channels_in_use={}", sipCallId, trunk.name(),
                Call.maskNumber(requestUri.getUser()), gw.trunkChannels.inUse(trunk.name()));
        try {
            CompletableFuture.anyOf(leg.answered, abandon).get(ringTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (abandon.isDone() && leg.state != SipLeg.State.ANSWERED) cancel(leg, new LegEnd.LocalHangup("abandoned"));
        } catch (TimeoutException e) {
            cancel(leg, new LegEnd.NoAnswer());
        } catch (ExecutionException e) {
            // ended by a final non-2xx response; reason already set
        }
        return leg;
    }

    void cancel(SipLeg leg, LegEnd end) {
        // The reason is ours and is set first: the phone's 487 to our CANCEL can arrive on the SIP thread before
        // this thread gets past sendRequest, and must not turn "rang out" into "refused 487".
        leg.end(end);
        try {
            if (leg.lastStatus >= 100) {
                Request cancel = leg.inviteClientTx.createCancel();
                gw.provider.getNewClientTransaction(cancel).sendRequest();
            }
        } catch (Exception e) {
            SipGateway.log.warn("event=cancel_failed sip_call_id={} error={}", leg.sipCallId, e.toString());
        }
        gw.legs.remove(leg.sipCallId);
    }

    /** A response to one of our INVITEs: ringing, answered (ACK it, take its SDP) or refused. */
    void onResponse(ResponseEvent event) {
        Response response = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
        SipLeg leg = gw.legs.get(SipGateway.callId(response));
        if (leg == null || !Request.INVITE.equals(cseq.getMethod()) || leg.inbound) return;
        int status = response.getStatusCode();
        leg.lastStatus = status;
        try {
            if (status < 200) return;
            if (status < 300) {
                Dialog dialog = event.getDialog() != null ? event.getDialog() : event.getClientTransaction().getDialog();
                leg.dialog = dialog;
                dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
                if (leg.state == SipLeg.State.ENDED) { // 200 raced our CANCEL (RFC 3261 §9.1): ACKed above, now hang up
                    dialog.sendRequest(gw.provider.getNewClientTransaction(dialog.createRequest(Request.BYE)));
                    SipGateway.log.info("event=bye_after_cancel sip_call_id={}", leg.sipCallId);
                    return;
                }
                Sdp answer = Sdp.parse(SipGateway.body(response));
                int pt = answer.chooseAudioType();
                leg.rtp.configure(answer.audioTarget(), pt < 0 ? Sdp.PCMU : pt, answer.telephoneEventType() >= 0 ? answer.telephoneEventType() : SipGateway.DTMF_PT);
                SdesCrypto theirKey = leg.localCrypto == null ? null : answer.chooseCrypto();
                if (theirKey != null) {
                    leg.rtp.secure(leg.localCrypto.keyAndSalt(), theirKey.keyAndSalt());
                } else if (leg.localCrypto != null) {
                    if (gw.config().srtp() == foresight.sip.SipConfig.SrtpPolicy.MANDATORY) {
                        SipGateway.log.info("event=dial_failed sip_call_id={} reason=answer_without_srtp", leg.sipCallId);
                        leg.state = SipLeg.State.ANSWERED;
                        gw.hangUp(leg, new LegEnd.LocalHangup("no_srtp"));
                        return;
                    }
                    leg.localCrypto = null; // the phone answered plain RTP to our best-effort offer
                }
                leg.state = SipLeg.State.ANSWERED;
                leg.answered.complete(null);
                SipGateway.log.info("event=answered sip_call_id={}", leg.sipCallId);
            } else if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED) && leg.trunk != null
                    && leg.trunk.hasCredentials() && !leg.challenged && leg.state == SipLeg.State.DIALING) {
                leg.challenged = true;
                leg.lastStatus = 0; // no provisional response to the new INVITE yet: RFC 3261 §9.1, no CANCEL before one
                authenticate(leg, event.getClientTransaction().getRequest(), response);
            } else {
                gw.legs.remove(leg.sipCallId);
                leg.end(LegEnd.refused(status));
                SipGateway.log.info("event=dial_failed sip_call_id={} status={}", leg.sipCallId, status);
            }
        } catch (Exception e) {
            if (status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED) {
                gw.legs.remove(leg.sipCallId);
                leg.end(LegEnd.refused(status));
                SipGateway.log.warn("event=dial_failed sip_call_id={} status={} reason=challenge_not_answered error={}", leg.sipCallId, status, e.getMessage());
                return;
            }
            SipGateway.log.warn("event=response_failed sip_call_id={} status={} error={}", leg.sipCallId, status, e.toString());
            gw.hangUp(leg, new LegEnd.Error());
        }
    }


    /**
     * Sends the INVITE again with our answer to the carrier's challenge (RFC 3261 §22.2: same Call-ID and From tag,
     * CSeq one higher, a new branch). Only once per leg: a second challenge means the credentials are wrong and ends it.
     */
    private void authenticate(SipLeg leg, Request challenged, Response response) throws Exception {
        boolean proxy = response.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        var challenge = (WWWAuthenticateHeader) response.getHeader(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        if (challenge == null) throw new IllegalArgumentException("no " + (proxy ? "Proxy-Authenticate" : "WWW-Authenticate") + " header");
        Request again = (Request) challenged.clone();
        var cseq = (CSeqHeader) again.getHeader(CSeqHeader.NAME);
        cseq.setSeqNumber(cseq.getSeqNumber() + 1);
        ((ViaHeader) again.getHeader(ViaHeader.NAME)).setBranch(gov.nist.javax.sip.Utils.getInstance().generateBranchId());
        String uri = again.getRequestURI().toString();
        DigestAnswer a = DigestAnswer.of(leg.trunk.username(), leg.trunk.password(), challenge.getRealm(), challenge.getNonce(), challenge.getOpaque(),
                challenge.getAlgorithm(), challenge.getQop(), Request.INVITE, uri);
        AuthorizationHeader auth = proxy ? gw.headers.createProxyAuthorizationHeader("Digest") : gw.headers.createAuthorizationHeader("Digest");
        auth.setUsername(a.username());
        auth.setRealm(a.realm() == null ? "" : a.realm());
        auth.setNonce(a.nonce());
        auth.setURI(again.getRequestURI());
        auth.setResponse(a.response());
        if (a.algorithm() != null) auth.setAlgorithm(a.algorithm());
        if (a.opaque() != null) auth.setOpaque(a.opaque());
        if (a.qop() != null) {
            auth.setQop(a.qop());
            auth.setCNonce(a.cnonce());
            auth.setNonceCount(Integer.parseInt(a.nc(), 16));
        }
        again.setHeader(auth);
        ClientTransaction ct = gw.provider.getNewClientTransaction(again);
        leg.inviteClientTx = ct;
        ct.sendRequest();
        SipGateway.log.info("event=dial_authenticated sip_call_id={} trunk={} challenge={}", leg.sipCallId, leg.trunk.name(), response.getStatusCode());
    }
}
