package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.flows.model.Step;
import foresight.recording.qa.Redactor;
import foresight.speech.asr.Utterance;
import foresight.speech.intent.IntentMatcher;
import foresight.speech.intent.SpokenDigits;
import foresight.speech.intent.YesNo;
import foresight.speech.predict.Prediction;
import foresight.speech.template.Template;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * Runs a flow's steps for one call through {@link CallControl}, from the start node to a hang-up, and returns the
 * call's disposition. Runs on the call's thread and blocks for the steps' length; the queue step and the
 * recording switch are handed to their owners. Depends on interfaces only, so it runs in tests with a
 * {@link foresight.call.SilentCall}, no SIP, audio or database.
 */
public final class StepInterpreter {
    private static final Logger log = LoggerFactory.getLogger(StepInterpreter.class);
    private static final int MAX_STEPS = 200; // a flow that loops forever is a flow bug; end the call instead

    /** A sentence as audio ({@link Prompts#get}). May block while it is synthesised. */
    @FunctionalInterface
    public interface PromptSource {
        AudioClip get(String text);
    }

    /** Listens to the caller (SpeechRecognizer's {@code listen}); see there for the arguments. Blocks. */
    @FunctionalInterface
    public interface Recogniser {
        Utterance listen(BlockingQueue<short[]> frames, Duration noInput, Duration maxDuration, BooleanSupplier interrupt,
                         List<String> grammar, Runnable onSpeech, Set<String> bias);
    }

    /** Serves a queue step: the disposition if the call is done, or empty to go on to the step's {@code next}. */
    @FunctionalInterface
    public interface QueueStep {
        Optional<Disposition> serve(CallControl call, CallContext ctx, Step.Queue step);
    }

    /** Pauses or resumes the call's recording; false if it has none. */
    @FunctionalInterface
    public interface RecordingSwitch {
        boolean pause(String callId, boolean pause, String by);
    }

    private final PromptSource prompts;
    private final Recogniser asr;
    private final DoubleSupplier confirmThreshold;
    private final CallLog calls;
    private final QueueStep queue;
    private final RecordingSwitch recording;

    /** {@code confirmThreshold}: the issue predictor's validated threshold, read at each prediction. */
    public StepInterpreter(PromptSource prompts, Recogniser asr, DoubleSupplier confirmThreshold, CallLog calls, QueueStep queue,
                           RecordingSwitch recording) {
        this.prompts = prompts;
        this.asr = asr;
        this.confirmThreshold = confirmThreshold;
        this.calls = calls;
        this.queue = queue;
        this.recording = recording;
    }

    /** Walks the nodes; returns the disposition. Throws {@link CallEndedException} when the caller hangs up. */
    public Disposition run(CallControl call, CallContext ctx) {
        String next = ctx.flow.start();
        for (int n = 0; next != null; n++) {
            if (n >= MAX_STEPS) {
                log.warn("call={} event=flow_loop flow={} node={}", call.id(), ctx.flow.name(), next);
                return Disposition.Ended.FLOW_LOOP;
            }
            Step step = ctx.flow.step(next);
            calls.event(call.id(), "node", Map.of("node", step.id()));
            if (step instanceof Step.Transfer t) {
                Optional<Disposition> outcome = transfer(call, ctx, t);
                if (outcome.isPresent()) return outcome.get();
                next = t.next();
                continue;
            }
            if (step instanceof Step.Queue q) {
                Optional<Disposition> outcome = queue.serve(call, ctx, q);
                if (outcome.isPresent()) return outcome.get();
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
                    if (sv.values().containsKey("reason")) calls.reason(call.id(), ctx.vars.get("reason"), null);
                    yield sv.next();
                }
                case Step.Switch sw -> sw.cases().getOrDefault(String.valueOf(ctx.vars.get(sw.variable())), sw.otherwise());
                case Step.Queue q -> throw new IllegalStateException("handled above");
                case Step.Transfer t -> throw new IllegalStateException("handled above");
                case Step.Hangup h -> null;
                case Step.Record r -> {
                    recording.pause(call.id(), r.pause(), "flow");
                    yield r.next();
                }
            };
        }
        return Disposition.Ended.FLOW_HANGUP;
    }

    /**
     * Rings {@code t.to()} (a phone number goes out over a trunk) and bridges the caller to it when answered; media
     * stays anchored here, so the recording holds both sides. Empty when it was not answered: the flow goes on.
     */
    private Optional<Disposition> transfer(CallControl call, CallContext ctx, Step.Transfer t) {
        String to = Template.render(t.to(), ctx.templateValues()).strip();
        String shown = foresight.call.Call.maskNumber(to);
        log.info("call={} event=transfer_dialling to={}", call.id(), shown);
        calls.event(call.id(), "transfer", Map.of("to", shown));
        var out = call.bridge(new foresight.call.BridgeRequest(List.of(to), t.ringTimeout(),
                c -> calls.event(call.id(), "transfer_answered", Map.of("to", shown)), null, null));
        return switch (out) {
            case foresight.call.BridgeOutcome.Talked talked -> {
                String endedBy = "caller".equals(talked.endedBy()) ? "caller" : "far_end";
                calls.event(call.id(), "transfer_ended", Map.of("ended_by", endedBy, "talk_ms", talked.talkTime().toMillis()));
                yield Optional.of(new Disposition.TransferredOut(endedBy));
            }
            case foresight.call.BridgeOutcome.NotAnswered na -> {
                log.info("call={} event=transfer_failed to={} reason={}", call.id(), shown, na.reason());
                calls.event(call.id(), "transfer_failed", Map.of("to", shown, "reason", na.reason()));
                yield Optional.empty();
            }
            case foresight.call.BridgeOutcome.Transferred tr -> throw new IllegalStateException("a transfer's far end cannot transfer (REFER is refused)");
        };
    }

    private String predict(CallControl call, CallContext ctx, Step.PredictIssue p) {
        CallContext.Lookup l;
        try {
            l = ctx.lookup.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("call={} event=prediction_unavailable error={}", call.id(), e.toString());
            return p.none();
        } catch (Exception e) {
            log.warn("call={} event=prediction_unavailable error={}", call.id(), e.toString());
            return p.none();
        }
        if (l.prediction().isEmpty()) {
            calls.event(call.id(), "prediction", Map.of("known_customer", l.customer().isPresent()));
            return p.none();
        }
        Prediction pr = l.prediction().get();
        calls.prediction(call.id(), pr.reasonId(), pr.confidence(), pr.phrase());
        calls.event(call.id(), "prediction", Map.of("reason", pr.reasonId(), "confidence", pr.confidence()));
        log.info("call={} event=predicted reason={} confidence={}", call.id(), pr.reasonId(), String.format("%.2f", pr.confidence()));
        // The learned model's validated threshold (precision ≥ 0.90 on validation) gates the confirm question too.
        return pr.confidence() >= Math.max(p.minConfidence(), confirmThreshold.getAsDouble()) ? p.found() : p.none();
    }

    private String confirm(CallControl call, CallContext ctx, Step.Confirm c) {
        Heard heard = promptAndListen(call, prompt(c.text(), ctx), c.timeout(), YesNo.grammar(), null);
        YesNo.Answer a = Understanding.yesNo(heard.text, heard.digit);
        String predicted = ctx.lookup.getNow(null) == null ? null : ctx.lookup.getNow(null).prediction().map(Prediction::reasonId).orElse(null);
        // What callers say may hold card numbers: it is redacted like transcripts before it is stored, and never logged.
        log.info("call={} event=confirm heard_chars={} digit={} answer={}", call.id(), heard.text.length(), heard.digit == 0 ? "-" : heard.digit, a);
        calls.event(call.id(), "confirm", Map.of("heard", Redactor.redactText(heard.text), "answer", a.name()));
        switch (a) {
            case YES -> {
                if (predicted != null) ctx.vars.put("reason", predicted);
                calls.confirmation(call.id(), true, predicted);
                return c.yes();
            }
            case NO -> {
                calls.confirmation(call.id(), false, null);
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
        calls.event(call.id(), "ask", Map.of("heard", said, "reason", match.map(IntentMatcher.Match::reasonId).orElse(""), "method", method));
        if (match.isEmpty()) {
            if (!said.isBlank()) calls.reason(call.id(), null, said);
            return a.nomatch();
        }
        ctx.vars.put("reason", match.get().reasonId());
        calls.reason(call.id(), match.get().reasonId(), said);
        return a.matched();
    }

    /** Options by key (RFC 4733, SIP INFO or in-band) or by saying the digit ("two"), with a digits-only grammar. */
    private String menu(CallControl call, CallContext ctx, Step.Menu m) {
        AudioClip clip = prompt(m.text(), ctx);
        for (int attempt = 0; attempt <= m.retries(); attempt++) {
            Heard heard = promptAndListen(call, clip, m.timeout(), SpokenDigits.grammar(), null);
            char d = Understanding.menuKey(heard.text, heard.digit);
            calls.event(call.id(), "menu", Map.of("digit", d == 0 ? "" : String.valueOf(d), "by", heard.digit != 0 ? "key" : d != 0 ? "voice" : "-"));
            if (d != 0 && m.options().containsKey(String.valueOf(d))) return m.options().get(String.valueOf(d));
        }
        return m.fallback();
    }

    /** What the caller answered: recognised words and/or the first key pressed. */
    private record Heard(String text, char digit) {}

    /**
     * Plays the question while already listening (the caller may answer early), by voice or by key. When no
     * recogniser is free the question falls back to keys only.
     */
    private Heard promptAndListen(CallControl call, AudioClip prompt, Duration timeout, List<String> grammar, Set<String> bias) {
        call.clearDigits();
        var frames = call.listen();
        var playback = call.startPlayback(prompt);
        char[] digit = {0};
        Duration noInput = prompt.duration().plus(timeout);
        Utterance u;
        try {
            // Barge-in: the caller's first words (or a key) stop the prompt; they need not wait for it to end.
            u = asr.listen(frames, noInput, noInput.plusSeconds(8), () -> {
                if (call.isEnded()) return true;
                char d = call.nextDigit(Duration.ZERO);
                if (d != 0) digit[0] = d;
                return d != 0;
            }, grammar, () -> {
                if (playback.finished()) return; // they answered after the question: nothing to cut
                playback.stop();
                log.info("call={} event=barge_in", call.id());
                calls.event(call.id(), "barge_in", Map.of());
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
        return prompts.get(Template.render(template, ctx.templateValues()));
    }
}
