package foresight.call;

import foresight.media.pacing.Pacer;
import foresight.sip.LegEnd;
import foresight.sip.SipGateway;
import foresight.sip.SipLeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call as the flows see it: the caller's SIP leg, its media on the shared pacer, and at most one bridged
 * agent leg. Owned by one virtual thread (the flow's); SIP and media threads only complete futures and fill
 * queues it reads.
 */
public final class Call implements CallControl {
    private static final Logger log = LoggerFactory.getLogger(Call.class);

    private final String id;
    private final String callerNumber;
    private final SipLeg leg;
    private final SipGateway gateway;
    private final Pacer pacer;
    private final CallMedia media;
    private final LinkedBlockingQueue<Character> digits = new LinkedBlockingQueue<>();
    private volatile SipLeg agentLeg;
    private volatile boolean mediaStarted;
    private volatile String dialled;
    private volatile String agent;

    public Call(String id, String callerNumber, SipLeg leg, SipGateway gateway, Pacer pacer) {
        this.id = id;
        this.callerNumber = callerNumber;
        this.leg = leg;
        this.gateway = gateway;
        this.pacer = pacer;
        this.media = new CallMedia(id, leg.rtp(), gateway.config().rtpTimeout(), gateway.config().maxCallDuration(), reason -> {
            log.warn("call={} event=media_timeout reason={}", id, reason);
            Thread.ofVirtual().name("timeout-" + id).start(() -> hangUp(reason)); // never signal from the pacer thread
        });
        leg.rtp().onDigit(d -> {
            digits.offer(d);
            log.info("call={} event=dtmf digit={}", id, d);
        });
        leg.ended().whenComplete((end, e) -> finish(end == null ? "error" : end.reason()));
    }

    /** Dials out and returns the answered call with media running; for callbacks and test callers. */
    public static Call dial(SipGateway gateway, Pacer pacer, String target, String fromUser, Duration ringTimeout) throws Exception {
        SipLeg leg = gateway.dial(target, fromUser, ringTimeout);
        if (leg.state() != SipLeg.State.ANSWERED) throw new IllegalStateException("dial " + target + " failed: " + leg.ended().thenApply(LegEnd::reason).getNow("?"));
        // The far end's number (user part of the URI): it is who this call is with, and what an agent's phone shows.
        String user = target.replaceAll("^<?sips?:([^@;>]+)@.*$", "$1");
        Call call = new Call(java.util.UUID.randomUUID().toString(), user, leg, gateway, pacer);
        call.startMedia();
        return call;
    }

    /** Last four digits only, for logs (house rule: no full caller numbers in logs). */
    public static String maskNumber(String n) {
        if (n == null || n.length() <= 4) return "****";
        return "*".repeat(n.length() - 4) + n.substring(n.length() - 4);
    }

    /** A SIP URI for logs: a phone number as user part (a leg over a trunk) keeps only its last four digits. */
    static String maskPhoneUser(String uri) {
        var m = java.util.regex.Pattern.compile("^(<?sips?:)(\\+?[0-9]{5,})(@.*)$").matcher(uri == null ? "" : uri);
        return m.matches() ? m.group(1) + maskNumber(m.group(2)) + m.group(3) : uri;
    }

    /** What the caller dialled (Request-URI user) and, if they proved to be an agent (digest), who. */
    public void dialled(String number, String authenticatedAgent) {
        this.dialled = number;
        this.agent = authenticatedAgent;
    }

    @Override
    public String dialled() { return dialled; }

    @Override
    public String authenticatedAgent() { return agent; }

    @Override
    public String id() { return id; }

    @Override
    public String callerNumber() { return callerNumber; }

    @Override
    public String sipCallId() { return leg.sipCallId(); }

    @Override
    public boolean ringFor(Duration d) { return awaitEnd(d) == null; }

    @Override
    public void answer() {
        try {
            gateway.answer(leg, Duration.ofSeconds(32));
        } catch (Exception e) {
            throw new CallEndedException(id, "answer failed: " + e);
        }
        startMedia();
        log.info("call={} event=answered", id);
    }

    private void startMedia() {
        if (!mediaStarted) {
            mediaStarted = true;
            pacer.add(media);
        }
    }

    @Override
    public void play(AudioClip clip) {
        if (!startPlayback(clip).await()) ensureLive();
    }

    @Override
    public PlaybackHandle startPlayback(AudioClip clip) { return start(clip, false); }

    @Override
    public PlaybackHandle startLoop(AudioClip clip) { return start(clip, true); }

    private PlaybackHandle start(AudioClip clip, boolean loop) {
        ensureLive();
        CallMedia.Playback p = media.enqueue(clip, loop);
        if (isEnded()) p.done.complete(false);
        return new PlaybackHandle() {
            @Override
            public void stop() {
                p.stopped = true;
            }

            @Override
            public boolean finished() { return p.done.isDone(); }

            @Override
            public boolean await() {
                try {
                    return p.done.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CallEndedException(id, "interrupted");
                } catch (ExecutionException e) {
                    return false;
                }
            }
        };
    }

    @Override
    public BlockingQueue<short[]> listen() {
        var q = new LinkedBlockingQueue<short[]>(500);
        media.listen(q);
        return q;
    }

    @Override
    public void stopListening() { media.listen(null); }

    @Override
    public char nextDigit(Duration wait) {
        ensureLive();
        try {
            Character d = digits.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            return d == null ? 0 : d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallEndedException(id, "interrupted");
        }
    }

    @Override
    public void clearDigits() { digits.clear(); }

    /** Sends an RFC 4733 key press to the far end (used when Foresight is the calling side). */
    public void sendDigit(char digit) { media.sendDigit(digit); }

    @Override
    public BridgeOutcome bridge(BridgeRequest request) {
        ensureLive();
        SipLeg agent;
        try {
            agent = dialFirst(request.contacts(), request.ringTimeout());
        } catch (foresight.sip.trunk.TrunkUnavailableException e) {
            log.warn("call={} event=dial_refused reason={} error={}", id, e.reason(), e.getMessage());
            return new BridgeOutcome.NotAnswered(new LegEnd.LocalHangup(e.reason()));
        } catch (Exception e) {
            log.warn("call={} event=agent_dial_failed contacts={} error={}", id, request.contacts(), e.toString());
            return new BridgeOutcome.NotAnswered(new LegEnd.Error());
        }
        String contactUri = agent.target();
        if (agent.state() != SipLeg.State.ANSWERED) {
            LegEnd end = agent.ended().getNow(new LegEnd.NoAnswer()); // dial returns an unanswered leg once it has ended
            if (isEnded()) throw new CallEndedException(id, "caller hung up while the agent's phone rang");
            return new BridgeOutcome.NotAnswered(end);
        }
        if (isEnded()) {
            gateway.hangUp(agent, "caller_gone");
            throw new CallEndedException(id, "caller hung up while the agent answered");
        }
        agentLeg = agent;
        if (request.transferTargets() != null) agent.allowTransfers(request.transferTargets());
        media.stopPlayback();
        media.bridge(agent.rtp(), request.holdMusic());
        Instant t0 = Instant.now();
        log.info("call={} event=bridged agent_contact={}", id, maskPhoneUser(contactUri));
        try {
            request.onAnswered().accept(contactUri);
        } catch (RuntimeException e) {
            log.warn("call={} event=on_answered_failed error={}", id, e.toString());
        }
        CompletableFuture.anyOf(leg.ended(), agent.ended(), agent.referred()).join();
        media.bridge(null, null);
        agentLeg = null;
        Duration talked = Duration.between(t0, Instant.now());
        if (agent.referred().isDone() && !leg.ended().isDone()) {
            String target = agent.referred().join();
            gateway.hangUp(agent, "transferred");
            log.info("call={} event=transferred target={} talk_ms={}", id, target, talked.toMillis());
            return new BridgeOutcome.Transferred(target, talked);
        }
        String endedBy = leg.ended().isDone() ? "caller" : "agent";
        gateway.hangUp(agent, "caller_hung_up");
        gateway.hangUp(leg, "agent_hung_up");
        log.info("call={} event=unbridged ended_by={}", id, endedBy);
        return new BridgeOutcome.Talked(endedBy, talked);
    }

    /**
     * Rings every contact at once (RFC 3261 parallel forking done by us as the UAC): the first to answer is kept,
     * the others get CANCEL (or BYE when their 200 crossed it). If none answers, returns the most telling failure:
     * a busy or declining phone over one that rang out.
     */
    private SipLeg dialFirst(java.util.List<String> contacts, Duration ringTimeout) throws Exception {
        if (contacts.size() == 1) return gateway.dial(contacts.getFirst(), callerNumber, ringTimeout, leg.ended());
        CompletableFuture<SipLeg> winner = new CompletableFuture<>();
        CompletableFuture<Object> stop = new CompletableFuture<>();
        leg.ended().whenComplete((r, e) -> stop.complete(null));
        winner.whenComplete((r, e) -> stop.complete(null));
        java.util.List<SipLeg> failed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Thread> ringing = new java.util.ArrayList<>();
        for (String c : contacts) {
            ringing.add(Thread.ofVirtual().name("fork-" + id).start(() -> {
                try {
                    SipLeg l = gateway.dial(c, callerNumber, ringTimeout, stop);
                    if (l.state() == SipLeg.State.ANSWERED) {
                        if (!winner.complete(l)) gateway.hangUp(l, "answered_elsewhere");
                    } else {
                        failed.add(l);
                    }
                } catch (Exception e) {
                    log.warn("call={} event=agent_dial_failed contact={} error={}", id, c, e.toString());
                }
            }));
        }
        for (Thread t : ringing) t.join();
        if (winner.isDone()) return winner.join();
        if (failed.isEmpty()) throw new IllegalStateException("no contact could be dialled");
        return failed.stream().filter(l -> l.ended().getNow(null) instanceof LegEnd.Busy).findFirst().orElse(failed.getFirst());
    }

    /**
     * Silent monitoring: rings the supervisor's phones and, once one answers, sends it the caller and what the
     * caller hears (the agent, or the IVR) mixed; in WHISPER the agent also hears the supervisor, in BARGE the caller
     * too. Blocks until the supervisor or the caller hangs up. False if no phone answered.
     */
    @Override
    public boolean monitor(java.util.List<String> contacts, MonitorMode mode, Duration ringTimeout) {
        ensureLive();
        SipLeg supervisor;
        try {
            supervisor = dialFirst(contacts, ringTimeout);
        } catch (Exception e) {
            log.warn("call={} event=monitor_dial_failed error={}", id, e.toString());
            return false;
        }
        if (supervisor.state() != SipLeg.State.ANSWERED) return false;
        if (isEnded()) {
            gateway.hangUp(supervisor, "call_over");
            return false;
        }
        media.monitor(supervisor.rtp(), mode);
        log.info("call={} event=monitor_started mode={} contact={}", id, mode, supervisor.target());
        CompletableFuture.anyOf(leg.ended(), supervisor.ended()).join();
        media.monitor(null, mode);
        gateway.hangUp(supervisor, "monitor_over");
        log.info("call={} event=monitor_ended", id);
        return true;
    }

    /** RTP packets received from and sent to the bridged agent leg, or {0,0} if never bridged. */
    public long[] agentPackets() {
        SipLeg a = agentLeg;
        return a == null ? new long[]{0, 0} : new long[]{a.rtp().packetsIn(), a.rtp().packetsOut()};
    }

    /** RTP packets received from and sent to the caller. */
    public long[] callerPackets() { return new long[]{leg.rtp().packetsIn(), leg.rtp().packetsOut()}; }

    @Override
    public void tap(MediaTap tap) { media.tap(tap); }

    @Override
    public void hangUp(String reason) {
        SipLeg a = agentLeg;
        if (a != null) gateway.hangUp(a, reason);
        gateway.hangUp(leg, reason);
    }

    @Override
    public boolean isEnded() { return leg.ended().isDone(); }

    @Override
    public foresight.media.rtp.ReceptionStats.Snapshot callerReception() { return leg.rtp().reception(); }

    @Override
    public foresight.media.rtp.RtpSession.PeerReport callerPeerReport() { return leg.rtp().peerReport(); }

    /** How the caller's leg ended, or null while it lasts. */
    public LegEnd end() { return leg.ended().getNow(null); }

    /** The caller's leg's end reason as logged ({@link LegEnd#reason()}), or null while it lasts. */
    public String endReason() {
        LegEnd end = end();
        return end == null ? null : end.reason();
    }

    /** Waits until the call is over; returns the end's {@link LegEnd#reason() reason}, or null on timeout. */
    public String awaitEnd(Duration wait) {
        try {
            return leg.ended().get(wait.toMillis(), TimeUnit.MILLISECONDS).reason();
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return "error";
        }
    }

    private void ensureLive() {
        if (isEnded()) throw new CallEndedException(id, leg.ended().getNow(null).reason());
    }

    private void finish(String reason) {
        pacer.remove(media);
        media.close();
        log.info("call={} event=ended reason={}", id, reason);
    }
}
