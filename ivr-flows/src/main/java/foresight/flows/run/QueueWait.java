package foresight.flows.run;

import foresight.acd.Acd;
import foresight.acd.AcdOutcome;
import foresight.call.AudioClip;
import foresight.call.CallControl;
import foresight.flows.model.FlowSet;
import foresight.acd.Overflow;
import foresight.acd.QueueDefinition;
import foresight.flows.model.Step;
import foresight.speech.template.Template;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The caller's experience of a queue step: music, position announcements, the callback key, overflow and blind
 * transfers, until an agent has talked with them. Runs on the call's thread; the ACD decides who answers.
 */
final class QueueWait implements StepInterpreter.QueueStep {
    private static final Logger log = LoggerFactory.getLogger(QueueWait.class);
    /** Blind transfers one call may take before further REFERs are refused: no ping-pong between queues. */
    private static final int MAX_TRANSFERS = 5;

    private final Acd acd;
    private final StepInterpreter.PromptSource prompts;
    private final CallLog calls;
    private final Clock clock;

    QueueWait(Acd acd, StepInterpreter.PromptSource prompts, CallLog calls, Clock clock) {
        this.acd = acd;
        this.prompts = prompts;
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * Keeps the caller in the queue until an agent has talked with them. Meanwhile the caller hears music, their
     * position and estimated wait every {@code announce_every_seconds} (recomputed each time), and may press the
     * queue's callback key to hang up and be called back, keeping their place. An agent may blind-transfer the
     * caller (REFER to another queue's name or extension); after the max wait the caller overflows to the queue's
     * {@code overflow} (another queue, or a callback offer) or goes on to the flow's next step.
     */
    @Override
    public Optional<Disposition> serve(CallControl call, CallContext ctx, Step.Queue q) {
        FlowSet set = ctx.flowSet;
        QueueDefinition def = set.queues().get(q.queue());
        Acd.Caller caller = caller(call, ctx);
        Instant firstQueued = clock.instant();
        for (int moves = 0; ; moves++) {
            ctx.vars.put("queue", def.name());
            calls.queued(call.id(), def.name());
            calls.event(call.id(), "queued", Map.of("queue", def.name(), "tier", caller.tier() == null ? "" : caller.tier()));
            String announcement = def.announcement() != null ? def.announcement() : "Please hold while we connect you to an agent.";
            call.startPlayback(prompt(announcement, ctx));
            // The pacer plays queued clips in order: the announcement, then music until an agent answers (bridging cuts it off).
            AudioClip music = def.music() != null ? def.music() : HoldMusic.CLIP;
            boolean mayTransfer = moves < MAX_TRANSFERS;
            var waiting = new Waiting(call, ctx, def, music, call.startLoop(music));
            AcdOutcome outcome = acd.serve(call, def, caller, new Acd.Hooks(agent -> {
                calls.agent(call.id(), agent.id());
                calls.event(call.id(), "agent_answered", Map.of("agent", agent.username()));
            }, target -> mayTransfer && set.transferTarget(target).isPresent(), music, waiting::tick));
            calls.event(call.id(), "queue_left", Map.of("outcome", outcome.getClass().getSimpleName()));
            switch (outcome) {
                case AcdOutcome.Answered a -> {
                    return Optional.of(new Disposition.TalkedToAgent(a.endedBy()));
                }
                case AcdOutcome.Abandoned ab -> {
                    return Optional.of(Disposition.Ended.ABANDONED_IN_QUEUE);
                }
                case AcdOutcome.CallbackRequested cb -> {
                    call.play(prompt("Thank you. We will call you back at the number you are calling from, and you keep your place in the queue. Goodbye.", ctx));
                    return Optional.of(Disposition.Ended.CALLBACK_REQUESTED);
                }
                case AcdOutcome.TimedOut t -> {
                    if (moves >= MAX_TRANSFERS) return Optional.empty();
                    QueueDefinition to;
                    switch (def.overflowTarget()) {
                        case Overflow.NextStep n -> { return Optional.empty(); }
                        case Overflow.Callback c -> {
                            if (acd.callbacksEnabled() && offerCallback(call, ctx, def, caller, firstQueued)) return Optional.of(Disposition.Ended.CALLBACK_REQUESTED);
                            return Optional.empty();
                        }
                        case Overflow.ToQueue q2 -> to = set.queues().get(q2.queue());
                    }
                    log.info("call={} event=overflow from_queue={} to_queue={}", call.id(), def.name(), to.name());
                    calls.event(call.id(), "overflow", Map.of("from_queue", def.name(), "to_queue", to.name()));
                    def = to;
                }
                case AcdOutcome.Transferred t -> {
                    QueueDefinition to = set.transferTarget(t.target()).orElseThrow();
                    log.info("call={} event=transferred from_queue={} to_queue={} agent={}", call.id(), def.name(), to.name(), t.agentUsername());
                    calls.event(call.id(), "transferred", Map.of("from_queue", def.name(), "to_queue", to.name(), "agent", t.agentUsername()));
                    def = to;
                }
            }
        }
    }

    /** The caller's tier and name for queue priority and the agent's screen; waits briefly for the lookup. */
    private static Acd.Caller caller(CallControl call, CallContext ctx) {
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
        acd.requestCallback(call.id(), def, caller, since);
        calls.event(call.id(), "callback_requested", Map.of("queue", def.name(), "after", "max_wait"));
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
            this.nextAnnouncement = def.announceEvery().isPositive() ? clock.instant().plus(def.announceEvery()) : null;
        }

        Acd.WaitAction tick(Supplier<Acd.WaitStatus> status) {
            boolean callbacks = def.callbackKey() != null && acd.callbacksEnabled();
            if (callbacks) {
                char d = call.nextDigit(Duration.ZERO);
                if (d != 0 && String.valueOf(d).equals(def.callbackKey())) {
                    log.info("call={} event=callback_key queue={}", call.id(), def.name());
                    loop.stop();
                    return Acd.WaitAction.CALLBACK;
                }
            }
            if (nextAnnouncement != null && !clock.instant().isBefore(nextAnnouncement)) {
                Acd.WaitStatus st = status.get();
                nextAnnouncement = clock.instant().plus(def.announceEvery());
                String text = positionText(st) + (callbacks ? " To be called back instead, keeping your place, press " + spoken(def.callbackKey()) + "." : "");
                log.info("call={} event=position_announced queue={} position={} estimated_wait_s={} staffed={}", call.id(), def.name(), st.position(),
                        st.estimatedWait() == null ? "-" : st.estimatedWait().toSeconds(), st.staffed());
                calls.event(call.id(), "position_announced", Map.of("position", st.position(),
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

    private AudioClip prompt(String template, CallContext ctx) {
        return prompts.get(Template.render(template, ctx.templateValues()));
    }
}
