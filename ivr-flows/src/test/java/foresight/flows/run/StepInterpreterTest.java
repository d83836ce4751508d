package foresight.flows.run;

import foresight.call.AudioClip;
import foresight.call.BridgeOutcome;
import foresight.call.BridgeRequest;
import foresight.call.SilentCall;
import foresight.db.customer.Customer;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.Step;
import foresight.speech.asr.Utterance;
import foresight.speech.predict.Prediction;
import foresight.speech.reason.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The flow interpreter over a {@link SilentCall}: scripted answers, no SIP, audio or database. */
class StepInterpreterTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Reason BILLING = new Reason("billing", "Billing", "Is it about your bill?", List.of("bill", "invoice"), List.of(), List.of());
    private static final Reason OUTAGE = new Reason("outage", "Outage", "Is your internet down?", List.of("internet", "outage"), List.of(), List.of());

    /** The hotline: greet, predict, confirm the prediction or ask, then queue; a menu as the ask's fallback. */
    private static final Flow HOTLINE = new Flow("hotline", "hotline.yml", "greet", Map.of(
            "greet", new Step.Say("greet", 1, "Hello {{customer.first_name}}.", "predict"),
            "predict", new Step.PredictIssue("predict", 2, 0.5, "confirm", "ask"),
            "confirm", new Step.Confirm("confirm", 3, "Are you calling about {{prediction.phrase}}?", "queue", "ask", "ask", WAIT),
            "ask", new Step.Ask("ask", 4, "How can we help?", "queue", "menu", WAIT, 0.6),
            "menu", new Step.Menu("menu", 5, "For billing press 1, for outages press 2.",
                    Map.of("1", "set_billing", "2", "set_outage"), 1, "bye", WAIT),
            "set_billing", new Step.SetVars("set_billing", 6, Map.of("reason", "billing"), "queue"),
            "set_outage", new Step.SetVars("set_outage", 7, Map.of("reason", "outage"), "queue"),
            "queue", new Step.Queue("queue", 8, "support", "bye"),
            "bye", new Step.Say("bye", 9, "Goodbye.", "end"),
            "end", new Step.Hangup("end", 10)), Duration.ZERO);

    private static final FlowSet SET = new FlowSet(Map.of("hotline", HOTLINE), Map.of(), List.of(BILLING, OUTAGE), "v1", Instant.EPOCH);

    /** A caller whose keys come from a script; every other part is silent. */
    private static final class ScriptedCall extends SilentCall {
        final Deque<Character> keys = new ArrayDeque<>();

        ScriptedCall() { super("c1"); }

        @Override public char nextDigit(Duration wait) { return keys.isEmpty() ? 0 : keys.poll(); }

        /** What a transfer node's bridge does; queues never bridge here (the queue step does). */
        java.util.function.Function<BridgeRequest, BridgeOutcome> onBridge = r -> { throw new AssertionError("the interpreter hands queues to the queue step"); };
        final List<BridgeRequest> bridged = new ArrayList<>();

        @Override public BridgeOutcome bridge(BridgeRequest request) {
            bridged.add(request);
            return onBridge.apply(request);
        }
    }

    /** Timeline and row writes, in order, as "type" or "column=value". */
    private static final class MemoryCallLog implements CallLog {
        final List<String> written = new ArrayList<>();
        final List<Map<String, Object>> details = new ArrayList<>();

        @Override public void created(String id, String sipCallId, String caller, Instant at, String flow, String version) { row("created"); }
        @Override public void recordingOpened(String id, String path, int channels, int rate) { row("recording_opened"); }
        @Override public void answered(String id, Instant at) { row("answered"); }
        @Override public void customer(String id, long customerId) { row("customer=" + customerId); }
        @Override public void event(String id, String type, Map<String, ?> detail) { written.add(type); details.add(new java.util.HashMap<>(detail)); }
        @Override public void prediction(String id, String reason, double confidence, String phrase) { row("prediction=" + reason); }
        @Override public void confirmation(String id, boolean confirmed, String reason) { row("confirmed=" + confirmed + ":" + reason); }
        @Override public void reason(String id, String reason, String said) { row("reason=" + reason + ":" + said); }
        @Override public void queued(String id, String queue) { row("queued=" + queue); }
        @Override public void agent(String id, long agentId) { row("agent=" + agentId); }
        @Override public void mediaQuality(String id, long received, long lost, double jitterMs, double mos) { row("media"); }
        @Override public void peerReport(String id, long lost, double jitterMs, Double rttMs) { row("peer"); }
        @Override public void ended(String id, Instant at, String status, String disposition) { row("ended=" + disposition); }
        @Override public void recordingClosed(String id, long durationMs) { row("recording_closed"); }
        @Override public void promptHeard(String id, String text, long startMs, int played, int total) { row("prompt_heard"); }

        /** A row column: no timeline detail. */
        private void row(String what) {
            written.add(what);
            details.add(Map.of());
        }

        List<String> nodes() {
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) if (written.get(i).equals("node")) nodes.add((String) details.get(i).get("node"));
            return nodes;
        }
    }

    private final ScriptedCall call = new ScriptedCall();
    private final MemoryCallLog calls = new MemoryCallLog();
    private final Deque<String> answers = new ArrayDeque<>(); // what the caller says to each question, "" for silence, "key:N" a key
    private final List<String> spoken = new ArrayList<>();
    private final List<String> queuedTo = new ArrayList<>();
    private final List<String> recordingSwitches = new ArrayList<>();

    private StepInterpreter interpreter(double confirmThreshold) {
        StepInterpreter.Recogniser asr = (frames, noInput, max, interrupt, grammar, onSpeech, bias) -> {
            String said = answers.isEmpty() ? "" : answers.poll();
            if (said.startsWith("key:")) { // the caller presses a key during this question
                call.keys.add(said.charAt(4));
                assertThat(interrupt.getAsBoolean()).as("a key ends the listening").isTrue();
                return new Utterance("", Utterance.Outcome.INTERRUPTED);
            }
            if (said.isEmpty()) return new Utterance("", Utterance.Outcome.NO_INPUT);
            onSpeech.run();
            return new Utterance(said, Utterance.Outcome.RECOGNISED);
        };
        StepInterpreter.PromptSource prompts = text -> {
            spoken.add(text);
            return AudioClip.of(text, new short[160]);
        };
        StepInterpreter.QueueStep queue = (c, ctx, q) -> {
            queuedTo.add(q.queue() + ":" + ctx.vars.get("reason"));
            return Optional.of(new Disposition.TalkedToAgent("caller"));
        };
        return new StepInterpreter(prompts, asr, () -> confirmThreshold, calls, queue,
                (id, pause, by) -> recordingSwitches.add(id + ":" + pause + ":" + by));
    }

    private static CallContext known(double confidence) {
        var lookup = new CallContext.Lookup(Optional.of(new Customer(7, "+15550100", "Ada", "Lovelace", "gold")),
                Optional.of(new Prediction("billing", confidence, "your last bill", 42)));
        return new CallContext("c1", SET, HOTLINE, CompletableFuture.completedFuture(lookup));
    }

    private static CallContext unknown() {
        return new CallContext("c1", SET, HOTLINE, CompletableFuture.completedFuture(new CallContext.Lookup(Optional.empty(), Optional.empty())));
    }

    @Test
    void predictedReasonConfirmedWithYesGoesStraightToTheQueue() {
        answers.add("yes");

        String disposition = interpreter(0.0).run(call, known(0.9)).code();

        assertThat(disposition).isEqualTo("talked_to_agent_caller_hung_up");
        assertThat(calls.nodes()).containsExactly("greet", "predict", "confirm", "queue");
        assertThat(spoken).startsWith("Hello Ada.", "Are you calling about your last bill?");
        assertThat(calls.written).contains("prediction=billing", "confirmed=true:billing");
        assertThat(queuedTo).containsExactly("support:billing");
    }

    @Test
    void callerSayingNoIsAskedAndTheirWordsPickTheReasonByKeywords() {
        answers.add("no");
        answers.add("my internet is down again");

        String disposition = interpreter(0.0).run(call, known(0.9)).code();

        assertThat(disposition).isEqualTo("talked_to_agent_caller_hung_up");
        assertThat(calls.nodes()).containsExactly("greet", "predict", "confirm", "ask", "queue");
        assertThat(calls.written).contains("confirmed=false:null", "reason=outage:my internet is down again");
        int ask = calls.written.indexOf("ask");
        assertThat(calls.details.get(ask)).containsEntry("method", "keywords").containsEntry("reason", "outage");
        assertThat(queuedTo).containsExactly("support:outage");
    }

    @Test
    void predictionBelowThePredictorsThresholdSkipsTheConfirmQuestion() {
        answers.add("a question about my invoice");

        interpreter(0.95).run(call, known(0.9));

        assertThat(calls.nodes()).containsExactly("greet", "predict", "ask", "queue");
        assertThat(spoken).doesNotContain("Are you calling about your last bill?");
        assertThat(queuedTo).containsExactly("support:billing");
    }

    @Test
    void unknownCallerIsAskedWithoutAPrediction() {
        answers.add("my bill is wrong");

        interpreter(0.0).run(call, unknown());

        assertThat(calls.nodes()).containsExactly("greet", "predict", "ask", "queue");
        int prediction = calls.written.indexOf("prediction");
        assertThat(calls.details.get(prediction)).containsEntry("known_customer", false);
        assertThat(spoken.getFirst()).isEqualTo("Hello .");
    }

    @Test
    void unmatchedAnswerFallsToTheMenuWhereAKeyChoosesTheQueue() {
        answers.add("purple elephants");
        answers.add("key:2");

        interpreter(0.0).run(call, unknown());

        assertThat(calls.nodes()).containsExactly("greet", "predict", "ask", "menu", "set_outage", "queue");
        int menu = calls.written.indexOf("menu");
        assertThat(calls.details.get(menu)).containsEntry("digit", "2").containsEntry("by", "key");
        assertThat(calls.written).contains("reason=null:purple elephants", "reason=outage:null");
        assertThat(queuedTo).containsExactly("support:outage");
    }

    @Test
    void menuAcceptsTheDigitSpoken() {
        answers.add("purple elephants");
        answers.add("one");

        interpreter(0.0).run(call, unknown());

        int menu = calls.written.indexOf("menu");
        assertThat(calls.details.get(menu)).containsEntry("digit", "1").containsEntry("by", "voice");
        assertThat(queuedTo).containsExactly("support:billing");
    }

    @Test
    void silenceAtTheMenuRetriesThenTakesTheFallback() {
        answers.add("purple elephants");

        String disposition = interpreter(0.0).run(call, unknown()).code();

        assertThat(disposition).isEqualTo("flow_hangup");
        assertThat(calls.nodes()).containsExactly("greet", "predict", "ask", "menu", "bye", "end");
        assertThat(calls.written.stream().filter("menu"::equals)).hasSize(2); // one try and one retry
        assertThat(queuedTo).isEmpty();
        assertThat(spoken.getLast()).isEqualTo("Goodbye.");
    }

    @Test
    void silenceAtTheConfirmQuestionCountsAsUnclearAndAsks() {
        answers.add("");
        answers.add("invoice");

        interpreter(0.0).run(call, known(0.9));

        int confirm = calls.written.indexOf("confirm");
        assertThat(calls.details.get(confirm)).containsEntry("answer", "UNCLEAR");
        assertThat(calls.written).noneMatch(w -> w.startsWith("confirmed="));
        assertThat(calls.nodes()).containsExactly("greet", "predict", "confirm", "ask", "queue");
    }

    @Test
    void spokenCardNumberIsRedactedBeforeItIsWritten() {
        answers.add("my card is 4111 1111 1111 1111");

        interpreter(0.0).run(call, unknown());

        assertThat(String.join("|", calls.written)).doesNotContain("4111 1111 1111 1111").doesNotContain("4111111111111111");
        int ask = calls.written.indexOf("ask");
        assertThat(String.valueOf(calls.details.get(ask).get("heard"))).doesNotContain("1111");
    }

    @Test
    void bargeInIsOnTheTimelineWhenTheCallerSpeaksOverThePrompt() {
        answers.add("yes");

        interpreter(0.0).run(call, known(0.9));

        assertThat(calls.written).containsSubsequence("node", "barge_in", "confirm", "confirmed=true:billing");
    }

    @Test
    void recordNodePausesTheRecordingThroughItsOwner() {
        Flow flow = new Flow("card", "card.yml", "pause", Map.of(
                "pause", new Step.Record("pause", 1, true, "resume"),
                "resume", new Step.Record("resume", 2, false, "end"),
                "end", new Step.Hangup("end", 3)), Duration.ZERO);
        var ctx = new CallContext("c1", SET, flow, CompletableFuture.completedFuture(new CallContext.Lookup(Optional.empty(), Optional.empty())));

        interpreter(0.0).run(call, ctx);

        assertThat(recordingSwitches).containsExactly("c1:true:flow", "c1:false:flow");
    }

    @Test
    void flowThatLoopsForeverEndsTheCall() {
        Flow flow = new Flow("loop", "loop.yml", "a", Map.of(
                "a", new Step.Switch("a", 1, "x", Map.of(), "b"),
                "b", new Step.Switch("b", 2, "x", Map.of(), "a")), Duration.ZERO);
        var ctx = new CallContext("c1", SET, flow, CompletableFuture.completedFuture(new CallContext.Lookup(Optional.empty(), Optional.empty())));

        assertThat(interpreter(0.0).run(call, ctx).code()).isEqualTo("flow_loop");
    }

    /** Transfer to an outside number (the customer's account manager, from a variable); if that fails, a goodbye. */
    private static final Flow TRANSFER = new Flow("hotline", "hotline.yml", "set", Map.of(
            "set", new Step.SetVars("set", 1, Map.of("manager", "020 7946 0018"), "out"),
            "out", new Step.Transfer("out", 2, "{{manager}}", Duration.ofSeconds(25), "sorry"),
            "sorry", new Step.Say("sorry", 3, "Nobody could take your call.", "end"),
            "end", new Step.Hangup("end", 4)), Duration.ZERO);

    private static CallContext transferring() {
        return new CallContext("c1", SET, TRANSFER, CompletableFuture.completedFuture(new CallContext.Lookup(Optional.empty(), Optional.empty())));
    }

    @Test
    void anAnsweredTransferEndsTheFlowWithWhoHungUp() {
        call.onBridge = r -> {
            r.onAnswered().accept(r.contactUri());
            return new BridgeOutcome.Talked("agent", Duration.ofSeconds(42));
        };

        String disposition = interpreter(0.0).run(call, transferring()).code();

        assertThat(disposition).isEqualTo("transferred_far_end_hung_up");
        assertThat(call.bridged).singleElement().satisfies(r -> {
            assertThat(r.contacts()).containsExactly("020 7946 0018");
            assertThat(r.ringTimeout()).isEqualTo(Duration.ofSeconds(25));
        });
        assertThat(calls.written).containsSubsequence("transfer", "transfer_answered", "transfer_ended");
        assertThat(calls.details.get(calls.written.indexOf("transfer"))).containsEntry("to", "*********0018");
        assertThat(spoken).doesNotContain("Nobody could take your call.");
    }

    @Test
    void aTransferTheTrunkRefusesGoesOnToTheNextNode() {
        call.onBridge = r -> new BridgeOutcome.NotAnswered(new foresight.sip.LegEnd.LocalHangup("trunk_full"));

        String disposition = interpreter(0.0).run(call, transferring()).code();

        assertThat(disposition).isEqualTo("flow_hangup");
        assertThat(calls.nodes()).containsExactly("set", "out", "sorry", "end");
        assertThat(calls.details.get(calls.written.indexOf("transfer_failed"))).containsEntry("reason", "trunk_full");
        assertThat(spoken).contains("Nobody could take your call.");
    }
}
