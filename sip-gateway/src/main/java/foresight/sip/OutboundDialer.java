package foresight.sip;

import foresight.media.rtp.RtpSession;
import foresight.sip.sdp.Sdp;
import foresight.sip.sdp.SdesCrypto;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
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
        // Over TLS we offer SRTP (RFC 4568): insisting (RTP/SAVP) when sip.srtp is mandatory, else best effort (RTP/AVP
        // with a key, which a phone without SRTP simply ignores).
        SdesCrypto key = tls ? SdesCrypto.offering(1) : null;
        String profile = key != null && gw.config().srtp() == foresight.sip.SipConfig.SrtpPolicy.MANDATORY ? Sdp.SAVP : "RTP/AVP";
        invite.setContent(Sdp.build(gw.config().host(), rtp.localPort(), List.of(Sdp.PCMU, Sdp.PCMA), SipGateway.DTMF_PT, System.currentTimeMillis(),
                "sendrecv", key, profile), gw.headers.createContentTypeHeader("application", "sdp"));
        SipLeg leg = new SipLeg(sipCallId, false, rtp, invite, tag);
        leg.localCrypto = key;
        leg.target = target;
        gw.legs.put(sipCallId, leg);
        ClientTransaction ct = gw.provider.getNewClientTransaction(invite);
        leg.inviteClientTx = ct;
        ct.sendRequest();
        SipGateway.log.info("event=dial sip_call_id={} target={}", sipCallId, target);
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
            } else {
                gw.legs.remove(leg.sipCallId);
                leg.end(LegEnd.refused(status));
                SipGateway.log.info("event=dial_failed sip_call_id={} status={}", leg.sipCallId, status);
            }
        } catch (Exception e) {
            SipGateway.log.warn("event=response_failed sip_call_id={} status={} error={}", leg.sipCallId, status, e.toString());
            gw.hangUp(leg, new LegEnd.Error());
        }
    }

}
