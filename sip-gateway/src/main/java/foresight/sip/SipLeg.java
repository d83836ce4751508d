package foresight.sip;

import foresight.media.rtp.RtpSession;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import java.util.concurrent.CompletableFuture;

/**
 * One SIP dialog with its RTP session: the caller's inbound leg or an outbound leg to an agent.
 * States move only forward: OFFERED/DIALING → ANSWERED → ENDED. JAIN-SIP threads complete the futures;
 * the owning call thread waits on them.
 */
public final class SipLeg {
    /** Where the leg is in its life. */
    public enum State { OFFERED, DIALING, ANSWERED, ENDED }

    final String sipCallId;
    final boolean inbound;
    final RtpSession rtp;
    final Request invite;
    final String localTag;
    volatile ServerTransaction inviteServerTx;   // inbound legs
    volatile ClientTransaction inviteClientTx;   // outbound legs
    volatile Dialog dialog;
    volatile State state;
    volatile int lastStatus;
    /** Completes when media may flow: ACK received (inbound) or 200 received and ACKed (outbound). */
    final CompletableFuture<Void> answered = new CompletableFuture<>();
    /** Completes with how the leg ended, whoever ended it. */
    final CompletableFuture<LegEnd> ended = new CompletableFuture<>();
    /** Completes with the target (user part of Refer-To) once the peer's REFER was accepted: a blind transfer. */
    final CompletableFuture<String> referred = new CompletableFuture<>();
    /** Which REFER targets this leg may transfer to; null: every REFER is refused (403). */
    volatile java.util.function.Predicate<String> transferTargets;
    /** Our SDES key for this leg's SRTP (RFC 4568); null: plain RTP. */
    volatile foresight.sip.sdp.SdesCrypto localCrypto;
    /** The URI an outbound leg dialled; null for inbound legs. */
    volatile String target;
    /** The trunk an outbound leg to a phone number goes over; null for phones and agents dialled directly. */
    volatile foresight.sip.trunk.Trunk trunk;
    /** True once we answered the trunk's digest challenge: a second challenge ends the leg (wrong credentials). */
    volatile boolean challenged;

    SipLeg(String sipCallId, boolean inbound, RtpSession rtp, Request invite, String localTag) {
        this.sipCallId = sipCallId;
        this.inbound = inbound;
        this.rtp = rtp;
        this.invite = invite;
        this.localTag = localTag;
        this.state = inbound ? State.OFFERED : State.DIALING;
    }

    public String sipCallId() { return sipCallId; }

    public RtpSession rtp() { return rtp; }

    public State state() { return state; }

    /** The URI an outbound leg dialled (the agent's contact); null for inbound legs. */
    public String target() { return target; }

    /** Completes with how the leg ended; the first end wins. */
    public CompletableFuture<LegEnd> ended() { return ended; }

    public CompletableFuture<Void> answered() { return answered; }

    public CompletableFuture<String> referred() { return referred; }

    /** Allows blind transfers (REFER) from the peer to the targets the predicate accepts. */
    public void allowTransfers(java.util.function.Predicate<String> targets) { this.transferTargets = targets; }

    /** Marks the leg over; the first end wins. Returns true if this call ended it. */
    boolean end(LegEnd end) {
        state = State.ENDED;
        boolean first = ended.complete(end);
        if (first) {
            answered.completeExceptionally(new IllegalStateException("leg ended: " + end.reason()));
            rtp.close();
        }
        return first;
    }
}
