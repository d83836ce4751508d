package foresight.flows.run;

import foresight.acd.Acd;
import foresight.acd.AcdOutcome;
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
import foresight.flows.model.QueueDefinition;
import foresight.flows.model.Step;
import foresight.recording.CallRecorder;
import foresight.recording.RecordingStore;
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
                           RecordingStore recordings, Acd acd, CallReasonPredictor predictor, Clock clock) {}

    private final Services s;

    public FlowRunner(Services services) { this.s = services; }

    @Override
    public void onCall(Call call) {
        String sipCallId = call.sipCallId();
        run(call, sipCallId);
    }

    /** Runs the entry flow to its end. Blocks for the whole call. */
    public void run(CallControl call, String sipCallId) {
        FlowSet set = s.registry().current();
        Flow flow = set.flows().getOrDefault(s.entryFlow(), set.flows().values().iterator().next());
        Instant started = s.clock().instant();
        var lookup = CompletableFuture.supplyAsync(() -> lookup(call.callerNumber(), set), r -> Thread.ofVirtual().start(r));
        var ctx = new CallContext(call.id(), set, flow, lookup);
        String status = "completed", disposition = "caller_hung_up";
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
        return pr.confidence() >= p.minConfidence() ? p.found() : p.none();
    }

    private String confirm(CallControl call, CallContext ctx, Step.Confirm c) {
        Heard heard = promptAndListen(call, prompt(c.text(), ctx), c.timeout(), YesNo.grammar());
        YesNo.Answer a = heard.digit == '1' ? YesNo.Answer.YES : heard.digit == '2' ? YesNo.Answer.NO : YesNo.classify(heard.text);
        String predicted = ctx.lookup.getNow(null) == null ? null : ctx.lookup.getNow(null).prediction().map(Prediction::reasonId).orElse(null);
        log.info("call={} event=confirm heard=\"{}\" digit={} answer={}", call.id(), heard.text, heard.digit == 0 ? "-" : heard.digit, a);
        event(call, "confirm", Map.of("heard", heard.text, "answer", a.name()));
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
        var classifier = ctx.flowSet.intents().ready();
        var match = classifier.flatMap(c -> c.match(heard.text, a.minConfidence()));
        String method = match.isPresent() ? "classifier" : "keywords";
        if (match.isEmpty()) match = new IntentMatcher(ctx.flowSet.reasons()).match(heard.text);
        if (match.isEmpty()) method = "-";
        String reason = match.map(IntentMatcher.Match::reasonId).orElse("-");
        log.info("call={} event=ask heard=\"{}\" reason={} method={} score={}", call.id(), heard.text, reason, method,
                match.map(m -> String.format("%.2f", m.score())).orElse("-"));
        event(call, "ask", Map.of("heard", heard.text, "reason", match.map(IntentMatcher.Match::reasonId).orElse(""), "method", method));
        if (match.isEmpty()) {
            if (!heard.text.isBlank()) s.calls().reason(call.id(), null, heard.text);
            return a.nomatch();
        }
        ctx.vars.put("reason", match.get().reasonId());
        s.calls().reason(call.id(), match.get().reasonId(), heard.text);
        return a.matched();
    }

    /** Options by key (RFC 4733, SIP INFO or in-band) or by saying the digit ("two"), with a digits-only grammar. */
    private String menu(CallControl call, CallContext ctx, Step.Menu m) {
        AudioClip clip = prompt(m.text(), ctx);
        for (int attempt = 0; attempt <= m.retries(); attempt++) {
            Heard heard = promptAndListen(call, clip, m.timeout(), SpokenDigits.grammar());
            char d = heard.digit != 0 ? heard.digit : SpokenDigits.first(heard.text);
            event(call, "menu", Map.of("digit", d == 0 ? "" : String.valueOf(d), "by", heard.digit != 0 ? "key" : d != 0 ? "voice" : "-"));
            if (d != 0 && m.options().containsKey(String.valueOf(d))) return m.options().get(String.valueOf(d));
        }
        return m.fallback();
    }

    /**
     * Keeps the caller in the queue until an agent has talked with them; an agent may blind-transfer the caller
     * (REFER to another queue's name or extension), and the caller then waits in that queue.
     */
    private String queue(CallControl call, CallContext ctx, Step.Queue q) {
        FlowSet set = ctx.flowSet;
        QueueDefinition def = set.queues().get(q.queue());
        for (int transfers = 0; ; transfers++) {
            ctx.vars.put("queue", def.name());
            s.calls().queued(call.id(), def.name());
            event(call, "queued", Map.of("queue", def.name()));
            String announcement = def.announcement() != null ? def.announcement() : "Please hold while we connect you to an agent.";
            call.startPlayback(prompt(announcement, ctx));
            // The pacer plays queued clips in order: the announcement, then music until an agent answers (bridging cuts it off).
            AudioClip music = def.music() != null ? def.music() : HoldMusic.CLIP;
            call.startLoop(music);
            boolean mayTransfer = transfers < MAX_TRANSFERS;
            AcdOutcome outcome = s.acd().serve(call, def, agent -> {
                s.calls().agent(call.id(), agent.id());
                event(call, "agent_answered", Map.of("agent", agent.username()));
            }, target -> mayTransfer && set.transferTarget(target).isPresent(), music);
            event(call, "queue_left", Map.of("outcome", outcome.getClass().getSimpleName()));
            switch (outcome) {
                case AcdOutcome.Answered a -> {
                    return "talked_to_agent_" + a.endedBy() + "_hung_up";
                }
                case AcdOutcome.Abandoned ab -> {
                    return "abandoned_in_queue";
                }
                case AcdOutcome.TimedOut t -> {
                    return null;
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
