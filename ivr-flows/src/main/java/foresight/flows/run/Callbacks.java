package foresight.flows.run;

import foresight.acd.Acd;
import foresight.acd.AcdOutcome;
import foresight.call.AudioClip;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.db.customer.CustomerRepository;
import foresight.flows.load.FlowRegistry;
import foresight.flows.model.FlowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Calls customers back when their turn comes: dials, tells them who is calling and serves them like any caller.
 * Runs on the ACD's callback thread for each job.
 */
final class Callbacks {
    private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

    private final FlowRunner.Dialer dialer;
    private final FlowRegistry registry;
    private final CustomerRepository customers;
    private final StepInterpreter.PromptSource prompts;
    private final CallSession.Shared sessions;
    private final Clock clock;

    Callbacks(FlowRunner.Dialer dialer, FlowRegistry registry, CustomerRepository customers, StepInterpreter.PromptSource prompts,
              CallSession.Shared sessions, Clock clock) {
        this.dialer = dialer;
        this.registry = registry;
        this.customers = customers;
        this.prompts = prompts;
        this.sessions = sessions;
        this.clock = clock;
    }

    /**
     * A callback's turn came and an agent is reserved: dial the customer through the configured route; when they
     * answer, tell them who is calling and serve them like any caller (the reserved agent's phone rings first).
     * Recorded, transcribed and stored like an inbound call, with the original call's id on its timeline.
     */
    void run(Acd.CallbackJob job) {
        CallControl customer;
        try {
            customer = dialer.dial(job.number(), Duration.ofSeconds(30));
        } catch (Exception e) {
            log.info("call={} event=callback_dial_failed attempt={} error={}", job.callId(), job.attempt(), e.getMessage());
            job.failed(e.getMessage() == null ? "dial_failed" : e.getMessage().length() > 120 ? e.getMessage().substring(0, 120) : e.getMessage());
            return;
        }
        FlowSet set = registry.current();
        Instant started = clock.instant();
        Disposition disposition = new Disposition.CallbackLeg("customer_hung_up");
        CallSession session = null;
        CallLog calls = sessions.calls();
        try {
            session = CallSession.open(sessions, customer, customer.sipCallId(), job.number(), started, "callback", set.version(), false);
            session.answered(started);
            session.startRecording(started);
            customers.findByPhone(job.number()).ifPresent(c -> calls.customer(customer.id(), c.id()));
            session.event("callback_of", Map.of("call", job.callId(), "attempt", job.attempt(), "queue", job.queue().name()));
            calls.queued(customer.id(), job.queue().name());
            customer.play(prompts.get("Hello, this is the call back you asked for. Please hold while we connect you to an agent."));
            AudioClip music = job.queue().music() != null ? job.queue().music() : HoldMusic.CLIP;
            customer.startLoop(music);
            AcdOutcome out = job.connect(customer, new Acd.Hooks(agent -> {
                calls.agent(customer.id(), agent.id());
                calls.agent(job.callId(), agent.id()); // the agent's screen and wrap-up refer to the call that asked for it
                calls.event(customer.id(), "agent_answered", Map.of("agent", agent.username()));
            }, null, music, null));
            disposition = new Disposition.CallbackLeg(switch (out) {
                case AcdOutcome.Answered a -> "talked_" + a.endedBy() + "_hung_up";
                case AcdOutcome.Abandoned ab -> "abandoned";
                default -> out.getClass().getSimpleName().toLowerCase();
            });
        } catch (CallEndedException e) {
            disposition = new Disposition.CallbackLeg("customer_hung_up");
        } catch (RuntimeException e) {
            disposition = Disposition.Ended.ERROR;
            log.error("call={} event=callback_failed original={}", customer.id(), job.callId(), e);
        } finally {
            if (!customer.isEnded()) customer.hangUp(disposition.code());
            if (session != null) session.ended(disposition);
        }
    }
}
