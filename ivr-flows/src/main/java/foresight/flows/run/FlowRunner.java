package foresight.flows.run;

import foresight.acd.Acd;
import foresight.call.Call;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.call.IncomingCallListener;
import foresight.db.call.CallRepository;
import foresight.db.customer.Customer;
import foresight.db.customer.CustomerRepository;
import foresight.db.transcript.TranscriptRepository;
import foresight.flows.load.FlowRegistry;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.recording.RecordingStore;
import foresight.speech.asr.SpeechRecognizer;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.PastCall;
import foresight.speech.predict.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers each inbound call and wires its parts: a {@link CallSession} for the row and recording, the
 * {@link StepInterpreter} for the flow (with {@link QueueWait} for queue steps), {@link FeatureCodes} for agents'
 * codes and {@link Callbacks} for the ACD's callback jobs. Starts the customer lookup and issue prediction the
 * moment the call arrives. Writes that may wait go through one ordered {@link CallWriter} per server.
 */
public final class FlowRunner implements IncomingCallListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FlowRunner.class);

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

    /** Call-row and timeline writes that may wait: this many queue before a caller's thread waits for room. */
    static final int WRITE_QUEUE = 8192;
    /** Writer threads: a call's writes stay in order on one; four keep up with the setup rates measured (docs/BENCHMARKS.md). */
    static final int WRITE_LANES = 4;

    private final Services s;
    private final CallWriter writer;
    private final CallLog calls;
    private final LiveCalls live;
    private final CallSession.Shared sessions;
    private final FeatureCodes featureCodes;
    private final StepInterpreter interpreter;

    public FlowRunner(Services services) {
        this.s = services;
        this.writer = new CallWriter(WRITE_QUEUE, WRITE_LANES);
        this.calls = new QueuedCallLog(services.calls(), services.transcripts(), writer);
        this.live = new LiveCalls(calls);
        this.sessions = new CallSession.Shared(services.recordings(), calls, live, services.clock());
        StepInterpreter.PromptSource prompts = services.prompts()::get;
        this.featureCodes = new FeatureCodes(services.acd(), prompts);
        this.interpreter = new StepInterpreter(prompts, services.asr()::listen, services.predictor()::confirmThreshold, calls,
                new QueueWait(services.acd(), prompts, calls, services.clock()), live::pauseRecording);
        if (services.dialer() != null) {
            var callbacks = new Callbacks(services.dialer(), services.registry(), services.customers(), prompts, sessions, services.clock());
            services.acd().onCallback(callbacks::run);
        }
    }

    @Override
    public void onCall(Call call) {
        String sipCallId = call.sipCallId();
        run(call, sipCallId);
    }

    /** Runs the entry flow to its end. Blocks for the whole call. */
    public void run(CallControl call, String sipCallId) {
        if (FeatureCodes.applies(call)) {
            featureCodes.run(call, call.authenticatedAgent(), call.dialled());
            return;
        }
        FlowSet set = s.registry().current();
        Flow flow = set.flows().getOrDefault(s.entryFlow(), set.flows().values().iterator().next());
        Instant started = s.clock().instant();
        var lookup = CompletableFuture.supplyAsync(() -> lookup(call.callerNumber(), set), r -> Thread.ofVirtual().start(r));
        var ctx = new CallContext(call.id(), set, flow, lookup);
        lookup.thenAccept(l -> PromptsAhead.forCaller(flow, l, s.prompts())); // personalised prompts ready before the greeting ends
        Disposition disposition = Disposition.Ended.CALLER_HUNG_UP;
        CallSession session = null;
        try {
            session = CallSession.open(sessions, call, sipCallId, call.callerNumber(), started, flow.name(), set.version(), true);
            if (flow.answerAfter().isPositive() && !call.ringFor(flow.answerAfter())) {
                // CANCEL while ringing: already answered 487 by the gateway; nothing was recorded.
                log.info("call={} event=abandoned_ringing ring_ms={}", call.id(), flow.answerAfter().toMillis());
                session.event("abandoned_ringing", Map.of());
                disposition = Disposition.Ended.ABANDONED_RINGING;
            } else {
                call.answer();
                session.answered(s.clock().instant());
                session.startRecording(started);
                session.event("answered", Map.of("flow", flow.name(), "version", set.version()));
                lookup.thenAccept(l -> l.customer().ifPresent(c -> calls.customer(call.id(), c.id())));
                disposition = interpreter.run(call, ctx);
            }
        } catch (CallEndedException e) {
            disposition = Disposition.Ended.CALLER_HUNG_UP;
        } catch (RuntimeException e) {
            disposition = Disposition.Ended.ERROR;
            log.error("call={} event=flow_failed flow={} version={}", call.id(), flow.name(), set.version(), e);
        } finally {
            live.remove(call.id());
            if (!call.isEnded()) call.hangUp(disposition.code());
            if (session != null) {
                try {
                    session.mediaQuality();
                } catch (RuntimeException e) {
                    log.error("call={} event=call_row_update_failed", call.id(), e);
                }
                session.ended(disposition);
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

    /**
     * A supervisor listens in on a live call of this node from their phones ({@code contacts}); returns at once,
     * false if the call is not live here. The monitoring leg and its end are on the call's timeline.
     */
    public boolean monitor(String callId, java.util.List<String> contacts, foresight.call.MonitorMode mode, String by) {
        return live.monitor(callId, contacts, mode, by);
    }

    /**
     * Pauses or resumes the recording of a live call (flow node {@code record}, or the API for an agent taking card
     * details). Leaves silence and a marker with the position in the recording. False if the call is not live here.
     */
    public boolean pauseRecording(String callId, boolean pause, String by) {
        return live.pauseRecording(callId, pause, by);
    }

    /** Waits until the call rows and timelines written so far are in the database (tests). */
    public boolean flushWrites() { return writer.flush(10_000); }

    /** Call-row and timeline writes that failed (each logged with its call id): a Micrometer counter's source. */
    public long failedWrites() { return writer.failedWrites(); }

    /** Call-row and timeline writes waiting for the writer. */
    public int pendingWrites() { return writer.pending(); }

    /** Writes what is still queued; later writes run on the asking thread. Close before the database. */
    @Override
    public void close() { writer.close(); }
}
