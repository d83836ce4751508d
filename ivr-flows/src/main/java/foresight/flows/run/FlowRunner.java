package foresight.flows.run;

import foresight.acd.Acd;
import foresight.acd.AcdOutcome;
import foresight.acd.Overflow;
import foresight.call.AudioClip;
import foresight.call.Call;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.call.IncomingCallListener;
import foresight.call.MediaTap;
import foresight.db.call.CallRepository;
import foresight.db.customer.Customer;
import foresight.db.customer.CustomerRepository;
import foresight.db.transcript.TranscriptRepository;
import foresight.flows.load.FlowRegistry;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.acd.QueueDefinition;
import foresight.flows.model.Step;
import foresight.recording.CallRecorder;
import foresight.recording.RecordingStore;
import foresight.recording.qa.Redactor;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.asr.Utterance;
import foresight.speech.intent.IntentMatcher;
import foresight.speech.intent.SpokenDigits;
import foresight.speech.intent.YesNo;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.Prediction;
import foresight.speech.template.Template;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a flow for each inbound call, as straight-line code on the call's virtual thread, through
 * {@link CallControl} only. Starts the customer lookup and issue prediction the moment the call arrives,
 * records the call, and writes every decision to the call row and timeline.
 */
public final class FlowRunner implements IncomingCallListener {
    private static final Logger log = LoggerFactory.getLogger(FlowRunner.class);
    /** Blind transfers one call may take before further REFERs are refused: no ping-pong between queues. */
    private static final int MAX_TRANSFERS = 5;
    private static final int MAX_STEPS = 200; // a flow that loops forever is a flow bug; end the call instead

    /** Everything a flow run needs, wired once by the app. */
    public record Services(FlowRegistry registry, String entryFlow, Prompts prompts, SpeechRecognizer asr,
                           CustomerRepository customers, CallRepository calls, TranscriptRepository transcripts,
                           RecordingStore recordings, Acd acd, CallReasonPredictor predictor, Clock clock, Dialer dialer) {
        public Services(FlowRegistry registry, String entryFlow, Prompts prompts, SpeechRecognizer asr, CustomerRepository customers,
                        CallRepository calls, TranscriptRepository transcripts, RecordingStore recordings, Acd acd,
                        CallReasonPredictor predictor, Clock clock) {
            this(registry, entryFlow, prompts, asr, customers, calls, transcripts, recordings, acd, predictor, clock, null);
        }
    }

    /** Places outbound calls for callbacks: the number as the caller gave it, through the configured route. */
    @FunctionalInterface
    public interface Dialer {
        /** The answered call, or an exception saying why not (busy, no answer, no route). */
        CallControl dial(String number, Duration ringTimeout) throws Exception;
    }

    private final Services s;

    public FlowRunner(Services services) {
        this.s = services;
        if (services.dialer() != null) services.acd().onCallback(job -> runCallback(job));
    }

    @Override
    public void onCall(Call call) {
        String sipCallId = call.sipCallId();
        run(call, sipCallId);
    }

    /** Feature codes an agent dials from the softphone, as on a PBX. */
    static final Map<String, String> FEATURE_CODES = Map.of("*41", "login", "*42", "logout", "*43", "not_ready", "*44", "ready");

    /**
     * An agent dialled a feature code: log in / out, not ready / ready, from a phone alone. The gateway has checked
     * their digest credentials; the result is spoken and the call ends. Not a customer call: no call row, no recording.
     */
    private void featureCode(CallControl call, String agent, String code) {
        String action = FEATURE_CODES.get(code);
        boolean ok = action != null && switch (action) {
            case "login" -> s.acd().login(agent);
            case "logout" -> s.acd().logout(agent);
            case "not_ready" -> s.acd().ready(agent, false, "phone");
            default -> s.acd().ready(agent, true, null);
        };
        log.info("call={} event=feature_code agent={} code={} action={} ok={} state={}", call.id(), agent, code, action == null ? "-" : action, ok,
                s.acd().state(agent));
        try {
            call.answer();
            String said = action == null ? "That feature code is not known." : !ok ? "That cannot be done now." : switch (action) {
                case "login" -> s.acd().state(agent) == Acd.AgentState.AVAILABLE ? "You are logged in and ready." : "You are logged in, not ready.";
                case "logout" -> "You are logged out.";
                case "not_ready" -> "You are not ready.";
                default -> "You are ready.";
            };
            call.play(s.prompts().get(said));
        } catch (CallEndedException e) {
            // they hung up before hearing it; the state changed anyway
        } finally {
            if (!call.isEnded()) call.hangUp("feature_code");
        }
    }

    /** Runs the entry flow to its end. Blocks for the whole call. */
    public void run(CallControl call, String sipCallId) {
        if (call.authenticatedAgent() != null && call.dialled() != null && call.dialled().startsWith("*")) {
            featureCode(call, call.authenticatedAgent(), call.dialled());
            return;
        }
        FlowSet set = s.registry().current();
        Flow flow = set.flows().getOrDefault(s.entryFlow(), set.flows().values().iterator().next());
        Instant started = s.clock().instant();
        var lookup = CompletableFuture.supplyAsync(() -> lookup(call.callerNumber(), set), r -> Thread.ofVirtual().start(r));
        var ctx = new CallContext(call.id(), set, flow, lookup);
        lookup.thenAccept(l -> PromptsAhead.forCaller(flow, l, s.prompts())); // personalised prompts ready before the greeting ends
        String status = "completed", disposition = "caller_hung_up";
        live.put(call.id(), call);
        try {
            s.calls().create(call.id(), sipCallId, call.callerNumber(), null, started);
            s.calls().flow(call.id(), flow.name(), set.version());
            if (flow.answerAfter().isPositive() && !call.ringFor(flow.answerAfter())) {
                // CANCEL while ringing: already answered 487 by the gateway; nothing was recorded.
                log.info("call={} event=abandoned_ringing ring_ms={}", call.id(), flow.answerAfter().toMillis());
                event(call, "abandoned_ringing", Map.of());
                disposition = "abandoned_ringing";
            } else {
                call.answer();
                s.calls().answered(call.id(), s.clock().instant());
                startRecording(call, started);
                event(call, "answered", Map.of("flow", flow.name(), "version", set.version()));
                lookup.thenAccept(l -> l.customer().ifPresent(c -> s.calls().customer(call.id(), c.id())));
                disposition = execute(call, ctx);
            }
        } catch (CallEndedException e) {
            disposition = "caller_hung_up";
        } catch (RuntimeException e) {
            status = "failed";
            disposition = "error";
            log.error("call={} event=flow_failed flow={} version={}", call.id(), flow.name(), set.version(), e);
        } finally {
            live.remove(call.id());
            recordings.remove(call.id());
            if (!call.isEnded()) call.hangUp(disposition);
            try {
                var rx = call.callerReception();
                double mos = foresight.media.rtp.ReceptionStats.mos(rx);
                s.calls().mediaQuality(call.id(), rx.received(), rx.lost(), rx.jitterMs(), mos);
                var peer = call.callerPeerReport();
                if (peer != null) s.calls().peerReport(call.id(), peer.cumulativeLost(), peer.jitterMs(), peer.rttMs() < 0 ? null : peer.rttMs());
                log.info("call={} event=media_quality received={} lost={} jitter_ms={} mos={} peer_lost={} peer_jitter_ms={} rtt_ms={}", call.id(),
                        rx.received(), rx.lost(), String.format("%.1f", rx.jitterMs()), String.format("%.2f", mos),
                        peer == null ? "-" : peer.cumulativeLost(), peer == null ? "-" : String.format("%.1f", peer.jitterMs()),
                        peer == null || peer.rttMs() < 0 ? "-" : String.format("%.1f", peer.rttMs()));
                s.calls().ended(call.id(), s.clock().instant(), status, disposition);
                event(call, "ended", Map.of("status", status, "disposition", disposition));
            } catch (RuntimeException e) {
                log.error("call={} event=call_row_update_failed", call.id(), e);
            }
        }
    }

    private CallContext.Lookup lookup(String caller, FlowSet set) {
        long t0 = System.nanoTime();
        Optional<Customer> customer = s.customers().findByPhone(caller);
        Instant now = s.clock().instant();
        Optional<Prediction> prediction = customer.flatMap(c -> s.predictor().predict(set.reasons(),
                s.customers().recentEvents(c.id(), 200),
                s.calls().pastCalls(c.id(), now, 20).stream().map(p -> new PastCall(p.startedAt(), p.reason())).toList(),
                c.tier(), Map.of("first_name", c.firstName(), "last_name", c.lastName(), "tier", c.tier()), now));
        log.debug("event=lookup known={} predicted={} ms={}", customer.isPresent(), prediction.map(Prediction::reasonId).orElse("-"), (System.nanoTime() - t0) / 1_000_000);
        return new CallContext.Lookup(customer, prediction);
    }

    private void startRecording(CallControl call, Instant started) {
        Path path = s.recordings().pathFor(call.id(), started);
        try {
            s.transcripts().recordingOpened(call.id(), path.toString(), 2, 8000);
            s.calls().recordingPath(call.id(), path.toString());
            var recorder = new CallRecorder(call.id(), path, durationMs -> s.transcripts().recordingClosed(call.id(), durationMs));
            var tap = new RecordingTap(recorder);
            recordings.put(call.id(), tap);
            call.tap(tap);
        } catch (Exception e) {
            // A call is never refused because its recording failed; the gap is logged and on the timeline.
            log.error("call={} event=recording_failed path={}", call.id(), path, e);
            event(call, "recording_failed", Map.of("error", e.toString()));
        }
    }

    /**
     * What the recorder hears: both sides, or silence on both while paused (card capture), so the file keeps the
     * call's timeline. The pacer writes frames; pause/resume come from the flow or the API.
     */
    private final class RecordingTap implements MediaTap {
        private final CallRecorder recorder;
        private volatile boolean paused;
        private volatile long frames; // written by the pacer only
        private final short[] silence = new short[160];

        RecordingTap(CallRecorder recorder) { this.recorder = recorder; }

        @Override
        public void onFrame(short[] fromCaller, short[] toCaller) {
            if (paused) recorder.offer(silence, silence);
            else recorder.offer(fromCaller, toCaller);
            frames = frames + 1;
        }

        @Override
        public void onClose() { recorder.close(); }

        long positionMs() { return frames * 20; }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, RecordingTap> recordings = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, CallControl> live = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A supervisor listens in on a live call of this node from their phones ({@code contacts}); returns at once,
     * false if the call is not live here. The monitoring leg and its end are on the call's timeline.
     */
    public boolean monitor(String callId, java.util.List<String> contacts, foresight.call.MonitorMode mode, String by) {
        CallControl call = live.get(callId);
        if (call == null || call.isEnded() || contacts.isEmpty()) return false;
        Thread.ofVirtual().name("monitor-" + callId).start(() -> {
            event(call, "monitor_ringing", Map.of("by", by, "mode", mode.name()));
            boolean answered;
            try {
                answered = call.monitor(contacts, mode, Duration.ofSeconds(30));
            } catch (CallEndedException e) {
                answered = false;
            }
            event(call, answered ? "monitor_ended" : "monitor_not_answered", Map.of("by", by, "mode", mode.name()));
        });
        return true;
    }

    /**
     * Pauses or resumes the recording of a live call (flow node {@code record}, or the API for an agent taking card
     * details). Leaves silence and a marker with the position in the recording. False if the call is not live here.
     */
    public boolean pauseRecording(String callId, boolean pause, String by) {
        RecordingTap tap = recordings.get(callId);
        if (tap == null) return false;
        if (tap.paused == pause) return true;
        tap.paused = pause;
        log.info("call={} event=recording_{} at_ms={} by={}", callId, pause ? "paused" : "resumed", tap.positionMs(), by);
        try {
            s.calls().event(callId, pause ? "recording_paused" : "recording_resumed", Map.of("at_ms", tap.positionMs(), "by", by));
        } catch (RuntimeException e) {
            log.warn("call={} event=timeline_write_failed error={}", callId, e.toString());
        }
        return true;
    }

    /** Walks the nodes; returns the disposition. */
    private String execute(CallControl call, CallContext ctx) {
        String next = ctx.flow.start();
        for (int n = 0; next != null; n++) {
            if (n >= MAX_STEPS) {
                log.warn("call={} event=flow_loop flow={} node={}", call.id(), ctx.flow.name(), next);
                return "flow_loop";
            }
            Step step = ctx.flow.step(next);
            event(call, "node", Map.of("node", step.id()));
            if (step instanceof Step.Queue q) {
                String outcome = queue(call, ctx, q);
                if (outcome != null) return outcome;
                next = q.next();
                continue;
            }
            next = switch (step) {
                case Step.Say say -> {
                    call.play(prompt(say.text(), ctx));
                    yield say.next();
                }
                case Step.PredictIssue p -> predict(call, ctx, p);
                case Step.Confirm c -> confirm(call, ctx, c);
                case Step.Ask a -> ask(call, ctx, a);
                case Step.Menu m -> menu(call, ctx, m);
                case Step.SetVars sv -> {
                    sv.values().forEach((k, v) -> ctx.vars.put(k, Template.render(v, ctx.templateValues())));
                    if (sv.values().containsKey("reason")) s.calls().reason(call.id(), ctx.vars.get("reason"), null);
                    yield sv.next();
                }
                case Step.Switch sw -> sw.cases().getOrDefault(String.valueOf(ctx.vars.get(sw.variable())), sw.otherwise());
                case Step.Queue q -> throw new IllegalStateException("handled above");
                case Step.Hangup h -> null;
                case Step.Record r -> {
                    pauseRecording(call.id(), r.pause(), "flow");
                    yield r.next();
                }
            };
        }
        return "flow_hangup";
    }

    private String predict(CallControl call, CallContext ctx, Step.PredictIssue p) {
        CallContext.Lookup l;
        try {
            l = ctx.lookup.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("call={} event=prediction_unavailable error={}", call.id(), e.toString());
            return p.none();
        }
        if (l.prediction().isEmpty()) {
            event(call, "prediction", Map.of("known_customer", l.customer().isPresent()));
            return p.none();
        }
        Prediction pr = l.prediction().get();
        s.calls().prediction(call.id(), pr.reasonId(), pr.confidence(), pr.phrase());
        event(call, "prediction", Map.of("reason", pr.reasonId(), "confidence", pr.confidence()));
        log.info("call={} event=predicted reason={} confidence={}", call.id(), pr.reasonId(), String.format("%.2f", pr.confidence()));
        // The learned model's validated threshold (precision ≥ 0.90 on validation) gates the confirm question too.
        return pr.confidence() >= Math.max(p.minConfidence(), s.predictor().confirmThreshold()) ? p.found() : p.none();
    }

    private String confirm(CallControl call, CallContext ctx, Step.Confirm c) {
        Heard heard = promptAndListen(call, prompt(c.text(), ctx), c.timeout(), YesNo.grammar());
        YesNo.Answer a = Understanding.yesNo(heard.text, heard.digit);
        String predicted = ctx.lookup.getNow(null) == null ? null : ctx.lookup.getNow(null).prediction().map(Prediction::reasonId).orElse(null);
        // What callers say may hold card numbers: it is redacted like transcripts before it is stored, and never logged.
        log.info("call={} event=confirm heard_chars={} digit={} answer={}", call.id(), heard.text.length(), heard.digit == 0 ? "-" : heard.digit, a);
        event(call, "confirm", Map.of("heard", Redactor.redactText(heard.text), "answer", a.name()));
        switch (a) {
            case YES -> {
                if (predicted != null) ctx.vars.put("reason", predicted);
                s.calls().confirmation(call.id(), true, predicted);
                return c.yes();
            }
            case NO -> {
                s.calls().confirmation(call.id(), false, null);
                return c.no();
            }
            case UNCLEAR -> {
                return c.unclear();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * "Why are you calling?": the answer goes to the version's learned classifier (reasons' examples plus the
     * operator's labelled utterances); if it is not sure enough, or still training, keyword matching decides.
     */
    private String ask(CallControl call, CallContext ctx, Step.Ask a) {
        Heard heard = promptAndListen(call, prompt(a.text(), ctx), a.timeout(), null, ctx.flowSet.intents().vocabulary());
        var understood = Understanding.reason(ctx.flowSet, heard.text, a.minConfidence());
        var match = understood.match();
        String method = understood.method();
        String reason = match.map(IntentMatcher.Match::reasonId).orElse("-");
        // What callers say may hold card numbers: it is redacted like transcripts before it is stored, and never logged.
        String said = Redactor.redactText(heard.text);
        log.info("call={} event=ask heard_chars={} reason={} method={} score={}", call.id(), heard.text.length(), reason, method,
                match.map(m -> String.format("%.2f", m.score())).orElse("-"));
        event(call, "ask", Map.of("heard", said, "reason", match.map(IntentMatcher.Match::reasonId).orElse(""), "method", method));
        if (match.isEmpty()) {
            if (!said.isBlank()) s.calls().reason(call.id(), null, said);
            return a.nomatch();
        }
        ctx.vars.put("reason", match.get().reasonId());
        s.calls().reason(call.id(), match.get().reasonId(), said);
        return a.matched();
    }

    /** Options by key (RFC 4733, SIP INFO or in-band) or by saying the digit ("two"), with a digits-only grammar. */
    private String menu(CallControl call, CallContext ctx, Step.Menu m) {
        AudioClip clip = prompt(m.text(), ctx);
        for (int attempt = 0; attempt <= m.retries(); attempt++) {
            Heard heard = promptAndListen(call, clip, m.timeout(), SpokenDigits.grammar());
            char d = Understanding.menuKey(heard.text, heard.digit);
            event(call, "menu", Map.of("digit", d == 0 ? "" : String.valueOf(d), "by", heard.digit != 0 ? "key" : d != 0 ? "voice" : "-"));
            if (d != 0 && m.options().containsKey(String.valueOf(d))) return m.options().get(String.valueOf(d));
        }
        return m.fallback();
    }

    /**
     * Keeps the caller in the queue until an agent has talked with them. Meanwhile the caller hears music, their
     * position and estimated wait every {@code announce_every_seconds} (recomputed each time), and may press the
     * queue's callback key to hang up and be called back, keeping their place. An agent may blind-transfer the
     * caller (REFER to another queue's name or extension); after the max wait the caller overflows to the queue's
     * {@code overflow} (another queue, or a callback offer) or goes on to the flow's next step.
     */
    private String queue(CallControl call, CallContext ctx, Step.Queue q) {
        FlowSet set = ctx.flowSet;
        QueueDefinition def = set.queues().get(q.queue());
        Acd.Caller caller = caller(call, ctx);
        Instant firstQueued = s.clock().instant();
        for (int moves = 0; ; moves++) {
            ctx.vars.put("queue", def.name());
            s.calls().queued(call.id(), def.name());
            event(call, "queued", Map.of("queue", def.name(), "tier", caller.tier() == null ? "" : caller.tier()));
            String announcement = def.announcement() != null ? def.announcement() : "Please hold while we connect you to an agent.";
            call.startPlayback(prompt(announcement, ctx));
            // The pacer plays queued clips in order: the announcement, then music until an agent answers (bridging cuts it off).
            AudioClip music = def.music() != null ? def.music() : HoldMusic.CLIP;
            boolean mayTransfer = moves < MAX_TRANSFERS;
            var waiting = new Waiting(call, ctx, def, music, call.startLoop(music));
            AcdOutcome outcome = s.acd().serve(call, def, caller, new Acd.Hooks(agent -> {
                s.calls().agent(call.id(), agent.id());
                event(call, "agent_answered", Map.of("agent", agent.username()));
            }, target -> mayTransfer && set.transferTarget(target).isPresent(), music, waiting::tick));
            event(call, "queue_left", Map.of("outcome", outcome.getClass().getSimpleName()));
            switch (outcome) {
                case AcdOutcome.Answered a -> {
                    return "talked_to_agent_" + a.endedBy() + "_hung_up";
                }
                case AcdOutcome.Abandoned ab -> {
                    return "abandoned_in_queue";
                }
                case AcdOutcome.CallbackRequested cb -> {
                    call.play(prompt("Thank you. We will call you back at the number you are calling from, and you keep your place in the queue. Goodbye.", ctx));
                    return "callback_requested";
                }
                case AcdOutcome.TimedOut t -> {
                    if (moves >= MAX_TRANSFERS) return null;
                    QueueDefinition to;
                    switch (def.overflowTarget()) {
                        case Overflow.NextStep n -> { return null; }
                        case Overflow.Callback c -> { return s.acd().callbacksEnabled() && offerCallback(call, ctx, def, caller, firstQueued) ? "callback_requested" : null; }
                        case Overflow.ToQueue q2 -> to = set.queues().get(q2.queue());
                    }
                    log.info("call={} event=overflow from_queue={} to_queue={}", call.id(), def.name(), to.name());
                    event(call, "overflow", Map.of("from_queue", def.name(), "to_queue", to.name()));
                    def = to;
                }
                case AcdOutcome.Transferred t -> {
                    QueueDefinition to = set.transferTarget(t.target()).orElseThrow();
                    log.info("call={} event=transferred from_queue={} to_queue={} agent={}", call.id(), def.name(), to.name(), t.agentUsername());
                    event(call, "transferred", Map.of("from_queue", def.name(), "to_queue", to.name(), "agent", t.agentUsername()));
                    def = to;
                }
            }
        }
    }

    /** The caller's tier and name for queue priority and the agent's screen; waits briefly for the lookup. */
    private Acd.Caller caller(CallControl call, CallContext ctx) {
        try {
            CallContext.Lookup l = ctx.lookup.get(1, TimeUnit.SECONDS);
            return l.customer().map(c -> new Acd.Caller(call.callerNumber(), c.tier(), c.firstName() + " " + c.lastName()))
                    .orElse(new Acd.Caller(call.callerNumber(), null, null));
        } catch (Exception e) {
            return new Acd.Caller(call.callerNumber(), null, null);
        }
    }

    /** After the max wait: "press 1 to be called back"; true if the caller accepted (their original place is kept). */
    private boolean offerCallback(CallControl call, CallContext ctx, QueueDefinition def, Acd.Caller caller, Instant since) {
        call.clearDigits();
        call.play(prompt("All our agents are still busy. To be called back when an agent is free, press " + spoken(def.callbackKey()) + " now.", ctx));
        char d = call.nextDigit(Duration.ofSeconds(6));
        if (d == 0 || !String.valueOf(d).equals(def.callbackKey())) return false;
        s.acd().requestCallback(call.id(), def, caller, since);
        event(call, "callback_requested", Map.of("queue", def.name(), "after", "max_wait"));
        call.play(prompt("Thank you. We will call you back at the number you are calling from. Goodbye.", ctx));
        return true;
    }

    private static String spoken(String key) { return "*".equals(key) ? "star" : "#".equals(key) ? "pound" : key; }

    /** What a waiting caller hears besides music: position and estimated wait; and whether they pressed the callback key. */
    private final class Waiting {
        private final CallControl call;
        private final CallContext ctx;
        private final QueueDefinition def;
        private final AudioClip music;
        private CallControl.PlaybackHandle loop;
        private Instant nextAnnouncement;

        Waiting(CallControl call, CallContext ctx, QueueDefinition def, AudioClip music, CallControl.PlaybackHandle loop) {
            this.call = call;
            this.ctx = ctx;
            this.def = def;
            this.music = music;
            this.loop = loop;
            this.nextAnnouncement = def.announceEvery().isPositive() ? s.clock().instant().plus(def.announceEvery()) : null;
        }

        Acd.WaitAction tick(java.util.function.Supplier<Acd.WaitStatus> status) {
            boolean callbacks = def.callbackKey() != null && s.acd().callbacksEnabled();
            if (callbacks) {
                char d = call.nextDigit(Duration.ZERO);
                if (d != 0 && String.valueOf(d).equals(def.callbackKey())) {
                    log.info("call={} event=callback_key queue={}", call.id(), def.name());
                    loop.stop();
                    return Acd.WaitAction.CALLBACK;
                }
            }
            if (nextAnnouncement != null && !s.clock().instant().isBefore(nextAnnouncement)) {
                Acd.WaitStatus st = status.get();
                nextAnnouncement = s.clock().instant().plus(def.announceEvery());
                String text = positionText(st) + (callbacks ? " To be called back instead, keeping your place, press " + spoken(def.callbackKey()) + "." : "");
                log.info("call={} event=position_announced queue={} position={} estimated_wait_s={} staffed={}", call.id(), def.name(), st.position(),
                        st.estimatedWait() == null ? "-" : st.estimatedWait().toSeconds(), st.staffed());
                event(call, "position_announced", Map.of("position", st.position(),
                        "estimated_wait_s", st.estimatedWait() == null ? -1 : st.estimatedWait().toSeconds()));
                loop.stop();
                call.startPlayback(prompt(text, ctx));
                loop = call.startLoop(music);
            }
            return Acd.WaitAction.KEEP_WAITING;
        }
    }

    /** "You are number 2 in the queue. Your wait is about 3 minutes." Whole minutes, rounded up; no estimate with nobody staffed. */
    static String positionText(Acd.WaitStatus st) {
        String pos = st.position() == 1 ? "You are next in the queue." : "You are number " + st.position() + " in the queue.";
        if (st.estimatedWait() == null) return pos;
        long min = (st.estimatedWait().toSeconds() + 59) / 60;
        return pos + (min <= 1 ? " Your wait is about one minute." : " Your wait is about " + min + " minutes.");
    }

    /**
     * A callback's turn came and an agent is reserved: dial the customer through the configured route; when they
     * answer, tell them who is calling and serve them like any caller (the reserved agent's phone rings first).
     * Recorded, transcribed and stored like an inbound call, with the original call's id on its timeline.
     */
    private void runCallback(Acd.CallbackJob job) {
        CallControl customer;
        try {
            customer = s.dialer().dial(job.number(), Duration.ofSeconds(30));
        } catch (Exception e) {
            log.info("call={} event=callback_dial_failed attempt={} error={}", job.callId(), job.attempt(), e.getMessage());
            job.failed(e.getMessage() == null ? "dial_failed" : e.getMessage().length() > 120 ? e.getMessage().substring(0, 120) : e.getMessage());
            return;
        }
        FlowSet set = s.registry().current();
        Instant started = s.clock().instant();
        String status = "completed", disposition = "callback_customer_hung_up";
        try {
            s.calls().create(customer.id(), customer.sipCallId(), job.number(), null, started);
            s.calls().flow(customer.id(), "callback", set.version());
            s.calls().answered(customer.id(), started);
            startRecording(customer, started);
            s.customers().findByPhone(job.number()).ifPresent(c -> s.calls().customer(customer.id(), c.id()));
            event(customer, "callback_of", Map.of("call", job.callId(), "attempt", job.attempt(), "queue", job.queue().name()));
            s.calls().queued(customer.id(), job.queue().name());
            customer.play(s.prompts().get("Hello, this is the call back you asked for. Please hold while we connect you to an agent."));
            AudioClip music = job.queue().music() != null ? job.queue().music() : HoldMusic.CLIP;
            customer.startLoop(music);
            AcdOutcome out = job.connect(customer, new Acd.Hooks(agent -> {
                s.calls().agent(customer.id(), agent.id());
                s.calls().agent(job.callId(), agent.id()); // the agent's screen and wrap-up refer to the call that asked for it
                event(customer, "agent_answered", Map.of("agent", agent.username()));
            }, null, music, null));
            disposition = switch (out) {
                case AcdOutcome.Answered a -> "callback_talked_" + a.endedBy() + "_hung_up";
                case AcdOutcome.Abandoned ab -> "callback_abandoned";
                default -> "callback_" + out.getClass().getSimpleName().toLowerCase();
            };
        } catch (CallEndedException e) {
            disposition = "callback_customer_hung_up";
        } catch (RuntimeException e) {
            status = "failed";
            disposition = "error";
            log.error("call={} event=callback_failed original={}", customer.id(), job.callId(), e);
        } finally {
            recordings.remove(customer.id());
            if (!customer.isEnded()) customer.hangUp(disposition);
            try {
                s.calls().ended(customer.id(), s.clock().instant(), status, disposition);
                event(customer, "ended", Map.of("status", status, "disposition", disposition));
            } catch (RuntimeException e) {
                log.error("call={} event=call_row_update_failed", customer.id(), e);
            }
        }
    }

    /** What the caller answered: recognised words and/or the first key pressed. */
    private record Heard(String text, char digit) {}

    /**
     * Plays the question while already listening (the caller may answer early), by voice or by key. When no
     * recogniser is free the question falls back to keys only.
     */
    private Heard promptAndListen(CallControl call, AudioClip prompt, Duration timeout, java.util.List<String> grammar) {
        return promptAndListen(call, prompt, timeout, grammar, null);
    }

    private Heard promptAndListen(CallControl call, AudioClip prompt, Duration timeout, java.util.List<String> grammar, java.util.Set<String> bias) {
        call.clearDigits();
        var frames = call.listen();
        var playback = call.startPlayback(prompt);
        char[] digit = {0};
        Duration noInput = prompt.duration().plus(timeout);
        Utterance u;
        try {
            // Barge-in: the caller's first words (or a key) stop the prompt; they need not wait for it to end.
            u = s.asr().listen(frames, noInput, noInput.plusSeconds(8), () -> {
                if (call.isEnded()) return true;
                char d = call.nextDigit(Duration.ZERO);
                if (d != 0) digit[0] = d;
                return d != 0;
            }, grammar, () -> {
                if (playback.finished()) return; // they answered after the question: nothing to cut
                playback.stop();
                log.info("call={} event=barge_in", call.id());
                event(call, "barge_in", Map.of());
            }, bias);
        } finally {
            call.stopListening();
        }
        if (call.isEnded()) throw new CallEndedException(call.id(), "hung up while listening");
        if (u.outcome() == Utterance.Outcome.UNAVAILABLE) {
            log.warn("call={} event=asr_saturated fallback=dtmf", call.id());
            playback.await();
            digit[0] = call.nextDigit(timeout);
        }
        playback.stop();
        return new Heard(u.text(), digit[0]);
    }

    private AudioClip prompt(String template, CallContext ctx) {
        return s.prompts().get(Template.render(template, ctx.templateValues()));
    }

    private void event(CallControl call, String type, Map<String, ?> detail) {
        try {
            s.calls().event(call.id(), type, detail);
        } catch (RuntimeException e) {
            log.warn("call={} event=timeline_write_failed type={} error={}", call.id(), type, e.toString());
        }
    }
}
