package foresight.acd;

import foresight.acd.AcdTest.Directory;
import foresight.acd.AcdTest.ScriptedCall;
import foresight.call.BridgeOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ACD's timers in virtual time: minutes of waiting, wrap-up and not-ready pass without sleeping. */
class AcdVirtualTimeTest {
    private final VirtualTime time = new VirtualTime(Instant.parse("2026-11-30T10:00:00Z"));
    private final List<Acd> started = new ArrayList<>();

    @AfterEach
    void stop() { started.forEach(Acd::close); }

    private Acd acd(Directory dir, Acd.Settings settings, QueueDefinition q) {
        Acd a = new Acd(dir, time.clock(), settings, () -> QueueSetup.of(Map.of(q.name(), q), Staffing.DEFAULT), time);
        started.add(a);
        return a;
    }

    /**
     * The real scheduler ticks every 250 ms for as long as callers wait; virtual time only ticks when a test advances
     * it. A caller's thread that had not yet gone back to its inbox when the last step's tick fired (a busy machine)
     * would then wait for a tick that never comes: keep virtual time ticking, at most 50 s more, until it has left.
     */
    private void keepTickingUntilDone(CompletableFuture<?> outcome) throws InterruptedException {
        for (int i = 0; i < 200 && !outcome.isDone(); i++) time.advanceInSteps(Duration.ofMillis(250), Duration.ofMillis(250));
    }

    private static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 200 && !cond.getAsBoolean(); i++) Thread.sleep(25);
        assertThat(cond.getAsBoolean()).as("condition within 5 s").isTrue();
    }

    @Test
    void wrapUpEndsExactlyWhenTheQueuesWrapUpTimeHasPassed() {
        var q = AcdTest.CARDS.routing(List.of("cards"), null, Duration.ofSeconds(30), null);
        var acd = acd(new Directory(AcdTest.DANA), Acd.Settings.DEFAULT, q);
        acd.serve(new ScriptedCall(Map.of("sip:1@phone", AcdTest.TALKED)), q, null, new Acd.Hooks(a -> { }, null, null, null));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.WRAP_UP);
        time.advance(Duration.ofSeconds(29));
        assertThat(acd.state(1)).as("29 s into a 30 s wrap-up").isEqualTo(Acd.AgentState.WRAP_UP);
        time.advance(Duration.ofSeconds(1));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
        assertThat(acd.snapshot().agents().getFirst().reason()).isEqualTo("wrap_up_over");
    }

    @Test
    void agentSetNotReadyForMissedOffersIsAvailableAgainAfterTheNotReadyTime() throws Exception {
        var settings = new Acd.Settings(1, Duration.ofMinutes(5), true, 3, Duration.ofSeconds(60));
        var q = new QueueDefinition("cards", Duration.ofSeconds(1), Duration.ofSeconds(1), null);
        var acd = acd(new Directory(AcdTest.DANA), settings, q);
        var call = new ScriptedCall(Map.of("sip:1@phone", AcdTest.RANG_OUT));
        var outcome = CompletableFuture.supplyAsync(() -> acd.serve(call, q, a -> { }), r -> Thread.ofVirtual().start(r));
        await(() -> acd.state(1) == Acd.AgentState.NOT_READY); // rang out once: the limit
        time.advanceInSteps(Duration.ofSeconds(2), Duration.ofMillis(250));
        keepTickingUntilDone(outcome);
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new AcdOutcome.TimedOut());
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.NOT_READY);
        time.advance(Duration.ofMinutes(4));
        assertThat(acd.state(1)).as("4 of 5 minutes").isEqualTo(Acd.AgentState.NOT_READY);
        time.advance(Duration.ofMinutes(1));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void callerWithNoAgentLeavesWhenTheMaxWaitHasPassedAndNotBefore() throws Exception {
        var q = new QueueDefinition("cards", Duration.ofMinutes(10), Duration.ofSeconds(20), null);
        var acd = acd(new Directory(AcdTest.DANA).unregistered(), Acd.Settings.DEFAULT, q);
        var call = new ScriptedCall("c1", new ArrayList<>());
        var outcome = CompletableFuture.supplyAsync(() -> acd.serve(call, q, a -> { }), r -> Thread.ofVirtual().start(r));
        await(() -> acd.waiting("cards") == 1);
        time.advance(Duration.ofSeconds(599));
        Thread.sleep(50);
        assertThat(outcome).as("still waiting at 9 min 59 s").isNotDone();
        time.advanceInSteps(Duration.ofSeconds(2), Duration.ofMillis(250));
        keepTickingUntilDone(outcome);
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new AcdOutcome.TimedOut());
        assertThat(acd.waiting("cards")).isZero();
    }

    @Test
    void failedCallbackIsDialledAgainOnlyAfterTheRetryPause() throws Exception {
        var settings = new Acd.Settings(3, Duration.ofMinutes(5), true, 3, Duration.ofSeconds(60));
        var acd = acd(new Directory(AcdTest.DANA), settings, AcdTest.CARDS);
        var jobs = new LinkedBlockingQueue<Acd.CallbackJob>();
        acd.onCallback(jobs::add);
        acd.requestCallback("c9", AcdTest.CARDS, new Acd.Caller("+1999", null, null), time.clock().instant());
        Acd.CallbackJob first = jobs.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        first.failed("status:486");
        time.advance(Duration.ofSeconds(59));
        assertThat(jobs.poll(100, TimeUnit.MILLISECONDS)).as("no second attempt within the 60 s pause").isNull();
        time.advance(Duration.ofSeconds(1));
        Acd.CallbackJob second = jobs.poll(5, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.attempt()).isEqualTo(2);
    }

    @Test
    void waitingCallersHookIsAskedOnEachTickOnly() throws Exception {
        var q = new QueueDefinition("cards", Duration.ofMinutes(10), Duration.ofSeconds(20), null);
        var acd = acd(new Directory(AcdTest.DANA).unregistered(), Acd.Settings.DEFAULT, q);
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        var call = new ScriptedCall("c1", new ArrayList<>());
        var outcome = CompletableFuture.supplyAsync(() -> acd.serve(call, q, null, new Acd.Hooks(a -> { }, null, null, st -> {
            asked.incrementAndGet();
            return Acd.WaitAction.KEEP_WAITING;
        })), r -> Thread.ofVirtual().start(r));
        await(() -> acd.waiting("cards") == 1);
        Thread.sleep(300);
        assertThat(asked.get()).as("no tick, no question: the caller's thread sleeps on its inbox").isZero();
        time.advance(Acd.CALLER_TICK);
        await(() -> asked.get() == 1);
        call.ended = true;
        time.advance(Acd.CALLER_TICK);
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new AcdOutcome.Abandoned());
    }

    @Test
    void callerStillWaitingWhenTheAcdClosesIsNotLeftAsleepWithoutTimers() throws Exception {
        var q = new QueueDefinition("cards", Duration.ofMinutes(10), Duration.ofSeconds(20), null);
        var acd = acd(new Directory(AcdTest.DANA).unregistered(), Acd.Settings.DEFAULT, q);
        var call = new ScriptedCall("c1", new ArrayList<>());
        var outcome = CompletableFuture.supplyAsync(() -> acd.serve(call, q, a -> { }), r -> Thread.ofVirtual().start(r));
        await(() -> acd.waiting("cards") == 1);
        acd.close();
        call.ended = true; // no virtual time passes: only the wait loop's own poll can notice
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new AcdOutcome.Abandoned());
    }
}
