package foresight.acd;

import foresight.call.BridgeOutcome;
import foresight.call.BridgeRequest;
import foresight.call.CallControl;
import foresight.call.SilentCall;
import foresight.db.agent.Agent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class AcdTest {
    static final QueueDefinition CARDS = new QueueDefinition("cards", Duration.ofSeconds(5), Duration.ofSeconds(1), null);
    static final Agent DANA = new Agent(1, "dana", "Dana", "x", "r", Set.of("cards"));
    static final Agent ELI = new Agent(2, "eli", "Eli", "x", "r", Set.of("cards"));
    static final Agent FAY = new Agent(3, "fay", "Fay", "x", "r", Set.of("refunds"));
    static final Instant FOREVER = Instant.parse("2100-01-01T00:00:00Z");

    /** Agents with phones registered unless told otherwise; state changes recorded. */
    static final class Directory implements AgentDirectory {
        final List<Agent> agents;
        final Map<Long, Map<String, Instant>> phones = new HashMap<>();
        final List<String> changes = new CopyOnWriteArrayList<>();

        Directory(Agent... agents) {
            this.agents = List.of(agents);
            for (Agent a : agents) phones.put(a.id(), Map.of("sip:" + a.id() + "@phone", FOREVER));
        }

        Directory unregistered() {
            phones.clear();
            return this;
        }

        @Override public List<Agent> all() { return agents; }
        @Override public Map<Long, Map<String, Instant>> registrations(Instant now) { return phones; }
        @Override public void stateChanged(long agentId, String state, String reason) { changes.add(agentId + ":" + state); }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-30T10:00:00Z");
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    /** A caller whose bridge attempts follow a script per contact; records what was rung, in order. */
    static class ScriptedCall extends SilentCall {
        final String id;
        final Function<BridgeRequest, BridgeOutcome> script;
        final Map<String, BridgeOutcome> perContact;
        final List<List<String>> rung = new CopyOnWriteArrayList<>();
        final List<String> answeredOrder;
        volatile boolean ended;

        ScriptedCall(String id, Map<String, BridgeOutcome> script, List<String> answeredOrder) {
            super(id);
            this.id = id;
            this.perContact = script;
            this.answeredOrder = answeredOrder;
            this.script = r -> r.contacts().stream().map(script::get).filter(o -> o instanceof BridgeOutcome.Talked || o instanceof BridgeOutcome.Transferred)
                    .findFirst().orElse(script.getOrDefault(r.contactUri(), RANG_OUT));
        }

        ScriptedCall(Map<String, BridgeOutcome> script) { this("call-1", script, new ArrayList<>()); }

        /** Everyone answers. */
        ScriptedCall(String id, List<String> answeredOrder) {
            super(id);
            this.id = id;
            this.perContact = null;
            this.answeredOrder = answeredOrder;
            this.script = r -> TALKED;
        }

        @Override
        public BridgeOutcome bridge(BridgeRequest request) {
            rung.add(request.contacts());
            BridgeOutcome o = script.apply(request);
            if (o instanceof BridgeOutcome.Talked || o instanceof BridgeOutcome.Transferred) {
                String who = request.contacts().stream().filter(c -> answers(c)).findFirst().orElseThrow();
                answeredOrder.add(id + "@" + who);
                request.onAnswered().accept(who);
            }
            return o;
        }

        /** Whether the phone at {@code contact} answers (everyone does unless a script says otherwise). */
        boolean answers(String contact) {
            BridgeOutcome o = perContact == null ? TALKED : perContact.get(contact);
            return o instanceof BridgeOutcome.Talked || o instanceof BridgeOutcome.Transferred;
        }

        List<String> flatRung() { return rung.stream().flatMap(List::stream).toList(); }

        @Override public void hangUp(String reason) { ended = true; }
        @Override public boolean isEnded() { return ended; }
    }

    static final BridgeOutcome BUSY = new BridgeOutcome.NotAnswered(new foresight.sip.LegEnd.Busy(486));
    static final BridgeOutcome RANG_OUT = new BridgeOutcome.NotAnswered(new foresight.sip.LegEnd.NoAnswer());
    static final BridgeOutcome TALKED = new BridgeOutcome.Talked("caller", Duration.ofSeconds(30));

    private final List<Acd> started = new ArrayList<>();

    @AfterEach
    void stop() { started.forEach(Acd::close); }

    private Acd acd(Directory dir, Clock clock, Staffing staffing, QueueDefinition... queues) {
        return acd(dir, clock, Acd.Settings.DEFAULT, staffing, queues);
    }

    private Acd acd(Directory dir, Clock clock, Acd.Settings settings, Staffing staffing, QueueDefinition... queues) {
        Map<String, QueueDefinition> qs = new HashMap<>();
        for (QueueDefinition q : queues) qs.put(q.name(), q);
        QueueSetup set = QueueSetup.of(qs, staffing);
        Acd a = new Acd(dir, clock, settings, () -> set);
        started.add(a);
        return a;
    }

    private Acd acd(Directory dir) { return acd(dir, Clock.systemUTC(), Staffing.DEFAULT, CARDS); }

    private static Acd.Hooks hooks(Function<java.util.function.Supplier<Acd.WaitStatus>, Acd.WaitAction> onWait) { return new Acd.Hooks(a -> { }, t -> true, null, onWait); }

    /** Runs serve() on its own thread, as the caller's virtual thread would. */
    private static CompletableFuture<AcdOutcome> serveAsync(Acd acd, CallControl call, QueueDefinition q, Acd.Caller caller) {
        return CompletableFuture.supplyAsync(() -> acd.serve(call, q, caller, hooks(null)), r -> Thread.ofVirtual().start(r));
    }

    private static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 200 && !cond.getAsBoolean(); i++) Thread.sleep(25);
        assertThat(cond.getAsBoolean()).as("condition within 5 s").isTrue();
    }

    @Test
    void busyAgentIsSkippedAndTheNextOneAnswers() {
        var acd = acd(new Directory(DANA, ELI));
        var call = new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", TALKED));
        var outcome = acd.serve(call, CARDS, a -> { });
        assertThat(outcome).isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
        assertThat(call.flatRung()).containsExactly("sip:1@phone", "sip:2@phone");
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void agentWhosePhoneRingsOutThreeTimesInARowIsSetNotReadyAndNotOfferedCalls() {
        var dir = new Directory(DANA, ELI);
        var acd = acd(dir);
        for (int i = 0; i < 3; i++) acd.serve(new ScriptedCall(Map.of("sip:1@phone", RANG_OUT, "sip:2@phone", TALKED)), CARDS, a -> { });
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.NOT_READY);
        assertThat(acd.snapshot().agents().getFirst().reason()).isEqualTo("missed_offers");
        var next = new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", TALKED));
        acd.serve(next, CARDS, a -> { });
        assertThat(next.flatRung()).as("a not-ready agent is not offered calls").containsExactly("sip:2@phone");
    }

    @Test
    void busySignalsDoNotCountAsMissedOffers() {
        var acd = acd(new Directory(DANA, ELI));
        for (int i = 0; i < 5; i++) acd.serve(new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", TALKED)), CARDS, a -> { });
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void callerWaitsNoLongerThanTheQueuesMaxWait() {
        var shortQueue = new QueueDefinition("cards", Duration.ofSeconds(1), Duration.ofSeconds(1), null);
        var acd = acd(new Directory(DANA, ELI), Clock.systemUTC(), Staffing.DEFAULT, shortQueue);
        var outcome = acd.serve(new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", BUSY)), shortQueue, a -> { });
        assertThat(outcome).isEqualTo(new AcdOutcome.TimedOut());
        assertThat(acd.waiting("cards")).isZero();
    }

    @Test
    void agentWhoTransfersTheCallerIsFreeAgainAndTheOutcomeNamesTheTarget() {
        var acd = acd(new Directory(DANA));
        var call = new ScriptedCall(Map.of("sip:1@phone", new BridgeOutcome.Transferred("cards", Duration.ofSeconds(12))));
        var outcome = acd.serve(call, CARDS, null, hooks(null));
        assertThat(outcome).isEqualTo(new AcdOutcome.Transferred(1, "dana", "cards"));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
        assertThat(acd.waiting("cards")).as("the caller left this queue").isZero();
    }

    @Test
    void vipCallerIsOfferedBeforeStandardCallersWhoWaitedLonger() throws Exception {
        var dir = new Directory(DANA).unregistered();
        var acd = acd(dir, Clock.systemUTC(), new Staffing(Map.of("vip", 2, "standard", 0), Map.of()), CARDS.routing(null, null, null, null));
        var queue = new QueueDefinition("cards", Duration.ofSeconds(30), Duration.ofSeconds(1), null);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        var first = serveAsync(acd, new ScriptedCall("standard-1", order), queue, new Acd.Caller("1", "standard", null));
        await(() -> acd.waiting("cards") == 1);
        var second = serveAsync(acd, new ScriptedCall("standard-2", order), queue, new Acd.Caller("2", "standard", null));
        await(() -> acd.waiting("cards") == 2);
        var vip = serveAsync(acd, new ScriptedCall("vip", order), queue, new Acd.Caller("3", "vip", null));
        await(() -> acd.waiting("cards") == 3);
        assertThat(acd.snapshot().queues().getFirst().waiting().getFirst().callId()).as("the VIP is first in line").isEqualTo("vip");
        acd.registered(1, "sip:1@phone", FOREVER); // Dana's phone registers: she is logged in and offered callers one by one
        CompletableFuture.allOf(first, second, vip).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("vip@sip:1@phone", "standard-1@sip:1@phone", "standard-2@sip:1@phone");
    }

    @Test
    void agingLetsAStandardCallerWhoWaitedLongEnoughGoBeforeANewVip() throws Exception {
        var clock = new TestClock();
        var queue = new QueueDefinition("cards", Duration.ofHours(1), Duration.ofSeconds(1), null).routing(null, null, null, Duration.ofSeconds(60));
        var acd = acd(new Directory(DANA).unregistered(), clock, new Staffing(Map.of("vip", 2), Map.of()), queue);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        var standard = serveAsync(acd, new ScriptedCall("standard", order), queue, new Acd.Caller("1", "standard", null));
        await(() -> acd.waiting("cards") == 1);
        clock.advance(Duration.ofSeconds(121)); // two aging steps: priority 0 + 2 = the VIP's 2, and it came first
        var vip = serveAsync(acd, new ScriptedCall("vip", order), queue, new Acd.Caller("2", "vip", null));
        await(() -> acd.waiting("cards") == 2);
        acd.registered(1, "sip:1@phone", FOREVER);
        CompletableFuture.allOf(standard, vip).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("standard@sip:1@phone", "vip@sip:1@phone");
    }

    @Test
    void skillLevelStrategyOffersTheMostSkilledFreeAgentFirst() {
        var q = CARDS.routing(List.of("cards"), QueueDefinition.Strategy.SKILL_LEVEL, null, null);
        var acd = acd(new Directory(DANA, ELI), Clock.systemUTC(), new Staffing(Map.of(), Map.of("dana", Map.of("cards", 3), "eli", Map.of("cards", 7))), q);
        var call = new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", TALKED));
        assertThat(acd.serve(call, q, null, hooks(null))).isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
    }

    @Test
    void fewestCallsStrategyOffersTheAgentWhoTookFewestCallsToday() {
        var q = CARDS.routing(List.of("cards"), QueueDefinition.Strategy.FEWEST_CALLS, null, null);
        var acd = acd(new Directory(DANA, ELI), Clock.systemUTC(), Staffing.DEFAULT, q);
        // Dana takes two calls (Eli's phone is busy for the second), then Eli takes one: Dana has been idle longer, Eli took fewer calls.
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", BUSY)), q, null, hooks(null));
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", BUSY)), q, null, hooks(null));
        acd.serve(new ScriptedCall(Map.of("sip:2@phone", TALKED, "sip:1@phone", BUSY)), q, null, hooks(null)); // Eli: 1 call, idle since just now
        var call = new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", TALKED));
        assertThat(acd.serve(call, q, null, hooks(null))).as("Eli took 1 call, Dana 2; Dana has been idle longer").isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
    }

    @Test
    void ringAllRingsEveryFreeSkilledAgentAtOnceAndTheOthersAreFreeAfterOneAnswers() {
        var q = CARDS.routing(List.of("cards"), QueueDefinition.Strategy.RING_ALL, null, null);
        var acd = acd(new Directory(DANA, ELI, FAY), Clock.systemUTC(), Staffing.DEFAULT, q);
        var call = new ScriptedCall(Map.of("sip:1@phone", RANG_OUT, "sip:2@phone", TALKED));
        assertThat(acd.serve(call, q, null, hooks(null))).isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
        assertThat(call.rung).as("one ring of both cards agents; Fay (refunds only) is never rung").hasSize(1);
        assertThat(call.rung.getFirst()).containsExactlyInAnyOrder("sip:1@phone", "sip:2@phone");
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void agentWithSeveralPhonesIsRungOnAllOfThem() {
        var dir = new Directory(DANA);
        dir.phones.put(1L, Map.of("sip:desk@phone", FOREVER, "sip:mobile@phone", FOREVER));
        var acd = acd(dir);
        var call = new ScriptedCall(Map.of("sip:mobile@phone", TALKED));
        assertThat(acd.serve(call, CARDS, null, hooks(null))).isEqualTo(new AcdOutcome.Answered(1, "dana", "caller"));
        assertThat(call.rung.getFirst()).containsExactlyInAnyOrder("sip:desk@phone", "sip:mobile@phone");
    }

    @Test
    void wrapUpKeepsTheAgentFromTheNextOfferForTheQueuesWrapUpTime() {
        var q = CARDS.routing(List.of("cards"), null, Duration.ofMillis(1500), null);
        var acd = acd(new Directory(DANA), Clock.systemUTC(), Staffing.DEFAULT, q);
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED)), q, null, hooks(null));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.WRAP_UP);
        long t0 = System.nanoTime();
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED)), q, null, hooks(null));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the next caller waited out Dana's wrap-up").isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void agentWhoEndsWrapUpEarlyIsOfferedTheNextCallAtOnce() {
        var q = CARDS.routing(List.of("cards"), null, Duration.ofMinutes(5), null);
        var acd = acd(new Directory(DANA), Clock.systemUTC(), Staffing.DEFAULT, q);
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED)), q, null, hooks(null));
        assertThat(acd.state("dana")).isEqualTo(Acd.AgentState.WRAP_UP);
        assertThat(acd.ready("dana", true, null)).isTrue();
        assertThat(acd.serve(new ScriptedCall(Map.of("sip:1@phone", TALKED)), q, null, hooks(null))).isInstanceOf(AcdOutcome.Answered.class);
    }

    @Test
    void callerWhoAsksForACallbackKeepsTheirPlaceAndIsDialledWhenAnAgentFrees() throws Exception {
        var dir = new Directory(DANA).unregistered();
        var acd = acd(dir, Clock.systemUTC(), Staffing.DEFAULT, CARDS);
        var jobs = new LinkedBlockingQueue<Acd.CallbackJob>();
        acd.onCallback(jobs::add);
        var caller = new ScriptedCall("c1", new ArrayList<>());
        var outcome = acd.serve(caller, CARDS, new Acd.Caller("+15550101", "standard", "Bob"), hooks(st -> Acd.WaitAction.CALLBACK));
        assertThat(outcome).isEqualTo(new AcdOutcome.CallbackRequested());
        assertThat(acd.snapshot().queues().getFirst().waiting()).singleElement().satisfies(w -> assertThat(w.callback()).isTrue());
        acd.registered(1, "sip:1@phone", FOREVER);
        Acd.CallbackJob job = jobs.poll(5, TimeUnit.SECONDS);
        assertThat(job).isNotNull();
        assertThat(job.number()).isEqualTo("+15550101");
        assertThat(acd.state(1)).as("Dana is reserved while the customer is dialled").isEqualTo(Acd.AgentState.RINGING);
        var customer = new ScriptedCall("leg-1", new ArrayList<>());
        assertThat(job.connect(customer, hooks(null))).isEqualTo(new AcdOutcome.Answered(1, "dana", "caller"));
        assertThat(customer.flatRung()).containsExactly("sip:1@phone");
        assertThat(acd.waiting("cards")).isZero();
    }

    @Test
    void callbackThatCannotReachTheCustomerIsRetriedThenGivenUpAndTheAgentIsFreed() throws Exception {
        var settings = new Acd.Settings(3, Duration.ofMinutes(5), true, 2, Duration.ofMillis(100));
        var acd = acd(new Directory(DANA), Clock.systemUTC(), settings, Staffing.DEFAULT, CARDS);
        List<AcdEvent> events = new CopyOnWriteArrayList<>();
        acd.addListener(events::add);
        var jobs = new LinkedBlockingQueue<Acd.CallbackJob>();
        acd.onCallback(jobs::add);
        acd.requestCallback("c9", CARDS, new Acd.Caller("+1999", null, null), Instant.now());
        Acd.CallbackJob first = jobs.poll(5, TimeUnit.SECONDS);
        first.failed("status:486");
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
        Acd.CallbackJob second = jobs.poll(5, TimeUnit.SECONDS);
        assertThat(second.attempt()).isEqualTo(2);
        second.failed("timeout");
        assertThat(acd.waiting("cards")).isZero();
        assertThat(events).filteredOn(e -> e.type().equals("callback")).extracting(e -> e.detail().get("status"))
                .containsExactly("requested", "retry", "failed");
        assertThat(jobs.poll(300, TimeUnit.MILLISECONDS)).as("no third attempt").isNull();
    }

    @Test
    void callerWhoHangsUpWhileWaitingIsCountedAsAbandonedWithTheirWaitTime() throws Exception {
        var clock = new TestClock();
        var acd = acd(new Directory(DANA).unregistered(), clock, Staffing.DEFAULT, CARDS.routing(null, null, null, null));
        var queue = new QueueDefinition("cards", Duration.ofHours(1), Duration.ofSeconds(1), null);
        List<AcdEvent> events = new CopyOnWriteArrayList<>();
        acd.addListener(events::add);
        var call = new ScriptedCall("gone", new ArrayList<>());
        var outcome = serveAsync(acd, call, queue, Acd.Caller.UNKNOWN);
        await(() -> acd.waiting("cards") == 1);
        clock.advance(Duration.ofSeconds(42));
        call.ended = true;
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new AcdOutcome.Abandoned());
        assertThat(events).filteredOn(e -> e.type().equals("abandon")).singleElement()
                .satisfies(e -> assertThat(e.detail().get("wait_ms")).isEqualTo(42_000L));
        var stats = acd.snapshot().queues().getFirst().lastHour();
        assertThat(stats.abandoned()).isEqualTo(1);
        assertThat(stats.abandonRate()).isEqualTo(1.0);
    }

    @Test
    void waitingCallerIsToldTheirPositionAndAWaitEstimatedFromHandleTimeAndAgentsStaffed() throws Exception {
        var dir = new Directory(DANA);
        var acd = acd(dir, Clock.systemUTC(), Staffing.DEFAULT, CARDS);
        CompletableFuture<Void> talking = new CompletableFuture<>();
        var busy = new ScriptedCall("busy", new ArrayList<>()) {
            @Override
            public BridgeOutcome bridge(BridgeRequest request) {
                request.onAnswered().accept(request.contactUri());
                talking.join();
                return TALKED;
            }
        };
        var first = serveAsync(acd, busy, new QueueDefinition("cards", Duration.ofSeconds(30), Duration.ofSeconds(1), null), Acd.Caller.UNKNOWN);
        await(() -> acd.state(1) == Acd.AgentState.ON_CALL);
        List<Acd.WaitStatus> heard = new CopyOnWriteArrayList<>();
        var queue = new QueueDefinition("cards", Duration.ofSeconds(30), Duration.ofSeconds(1), null);
        var w1 = CompletableFuture.supplyAsync(() -> acd.serve(new ScriptedCall("w1", new ArrayList<>()), queue, null, hooks(st -> Acd.WaitAction.KEEP_WAITING)),
                r -> Thread.ofVirtual().start(r));
        await(() -> acd.waiting("cards") == 1); // the caller talking to Dana is no longer waiting
        var w2 = CompletableFuture.supplyAsync(() -> acd.serve(new ScriptedCall("w2", new ArrayList<>()), queue, null, hooks(st -> {
            heard.add(st.get());
            return Acd.WaitAction.KEEP_WAITING;
        })), r -> Thread.ofVirtual().start(r));
        await(() -> !heard.isEmpty());
        Acd.WaitStatus st = heard.getFirst();
        assertThat(st.position()).isEqualTo(2);
        assertThat(st.staffed()).isEqualTo(1);
        assertThat(st.estimatedWait()).as("2 callers ahead-or-equal × 180 s default handle time / 1 agent").isEqualTo(Duration.ofSeconds(360));
        talking.complete(null);
        CompletableFuture.allOf(first, w1, w2).get(10, TimeUnit.SECONDS);
    }

    @Test
    void agentWhoLogsOutIsNotOfferedCallsEvenWhileTheirPhoneStaysRegistered() {
        var acd = acd(new Directory(DANA, ELI));
        assertThat(acd.logout("dana")).isTrue();
        acd.registered(1, "sip:1@phone", FOREVER); // the phone re-registers: she stays logged out
        assertThat(acd.state("dana")).isEqualTo(Acd.AgentState.LOGGED_OUT);
        var call = new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", TALKED));
        assertThat(acd.serve(call, CARDS, a -> { })).isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
        assertThat(acd.ready("eli", false, "lunch")).isTrue();
        assertThat(acd.snapshot().agents().get(1).reason()).isEqualTo("lunch");
    }
}
