package foresight.acd;

import foresight.acd.Dispatcher.Decision;
import foresight.acd.Dispatcher.FreeAgent;
import foresight.acd.Dispatcher.NewRound;
import foresight.acd.Dispatcher.Offer;
import foresight.acd.Dispatcher.WaitingCaller;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pairing decision alone: no threads, no clock, no ACD. */
class DispatcherTest {
    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    static final QueueDefinition CARDS = new QueueDefinition("cards", Duration.ofMinutes(5), Duration.ofSeconds(20), null);
    static final QueueDefinition REFUNDS = new QueueDefinition("refunds", Duration.ofMinutes(5), Duration.ofSeconds(20), null);

    static FreeAgent agent(long id, String name, Instant idleSince, int callsToday, String... queues) {
        return new FreeAgent(id, name, Set.of(queues), idleSince, callsToday);
    }

    static WaitingCaller caller(String id, QueueDefinition q, String tier, Instant enqueued, long seq, Long... tried) {
        return new WaitingCaller(id, q, tier, enqueued, seq, Set.of(tried));
    }

    @Test
    void longestIdleAgentGetsTheFirstCaller() {
        var dana = agent(1, "dana", T0.minusSeconds(10), 0, "cards");
        var eli = agent(2, "eli", T0.minusSeconds(60), 0, "cards");
        var out = Dispatcher.decide(T0, List.of(dana, eli), List.of(caller("c1", CARDS, null, T0, 0)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(2L)));
    }

    @Test
    void callersAreServedByPriorityThenArrivalAndEachAgentOnlyOnce() {
        var staffing = new Staffing(Map.of("vip", 5), Map.of());
        var dana = agent(1, "dana", T0.minusSeconds(60), 0, "cards");
        var eli = agent(2, "eli", T0.minusSeconds(10), 0, "cards");
        var early = caller("early", CARDS, null, T0.minusSeconds(90), 0);
        var later = caller("later", CARDS, null, T0.minusSeconds(30), 1);
        var vip = caller("vip", CARDS, "vip", T0, 2);
        var out = Dispatcher.decide(T0, List.of(dana, eli), List.of(later, vip, early), staffing);
        assertThat(out).containsExactly(new Offer("vip", List.of(1L)), new Offer("early", List.of(2L)));
    }

    @Test
    void agingRaisesAWaitingCallersPriorityOneStepPerAgingPeriod() {
        var aging = CARDS.routing(null, null, null, Duration.ofSeconds(60));
        var staffing = new Staffing(Map.of("vip", 2), Map.of());
        var old = caller("old", aging, null, T0.minusSeconds(121), 0);
        var vip = caller("vip", aging, "vip", T0, 1);
        assertThat(Dispatcher.priority(staffing, null, aging, old.enqueued(), T0)).isEqualTo(2);
        var out = Dispatcher.decide(T0, List.of(agent(1, "dana", T0, 0, "cards")), List.of(vip, old), staffing);
        assertThat(out).containsExactly(new Offer("old", List.of(1L)));
    }

    @Test
    void callerIsOfferedOnlyAgentsWithEverySkillTheQueueNeeds() {
        var fay = agent(3, "fay", T0.minusSeconds(100), 0, "refunds");
        var dana = agent(1, "dana", T0, 0, "cards");
        var out = Dispatcher.decide(T0, List.of(fay, dana), List.of(caller("c1", CARDS, null, T0, 0)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(1L)));
    }

    @Test
    void callerWithNoSkilledAgentFreeLetsTheNextCallerBeServed() {
        var dana = agent(1, "dana", T0, 0, "cards");
        var out = Dispatcher.decide(T0, List.of(dana), List.of(caller("r1", REFUNDS, null, T0.minusSeconds(60), 0), caller("c1", CARDS, null, T0, 1)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(1L)));
    }

    @Test
    void agentAlreadyTriedForACallerIsSkippedForThatCaller() {
        var dana = agent(1, "dana", T0.minusSeconds(60), 0, "cards");
        var eli = agent(2, "eli", T0, 0, "cards");
        var out = Dispatcher.decide(T0, List.of(dana, eli), List.of(caller("c1", CARDS, null, T0, 0, 1L)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(2L)));
    }

    @Test
    void whenEverySkilledFreeAgentWasTriedTheCallerStartsANewRoundInsteadOfAnOffer() {
        var dana = agent(1, "dana", T0, 0, "cards");
        List<Decision> out = Dispatcher.decide(T0, List.of(dana), List.of(caller("c1", CARDS, null, T0, 0, 1L), caller("c2", CARDS, null, T0, 1)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new NewRound("c1"), new Offer("c2", List.of(1L)));
    }

    @Test
    void ringAllOffersEveryFreeSkilledAgentAtOnce() {
        var q = CARDS.routing(null, QueueDefinition.Strategy.RING_ALL, null, null);
        var out = Dispatcher.decide(T0, List.of(agent(1, "dana", T0, 0, "cards"), agent(2, "eli", T0, 0, "cards"), agent(3, "fay", T0, 0, "refunds")),
                List.of(caller("c1", q, null, T0, 0), caller("c2", q, null, T0, 1)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(1L, 2L)));
    }

    @Test
    void fewestCallsPicksTheAgentWithFewerCallsTodayThenTheLongestIdle() {
        var q = CARDS.routing(null, QueueDefinition.Strategy.FEWEST_CALLS, null, null);
        var busyDay = agent(1, "dana", T0.minusSeconds(600), 5, "cards");
        var quiet = agent(2, "eli", T0, 1, "cards");
        var quietLonger = agent(3, "gus", T0.minusSeconds(5), 1, "cards");
        var out = Dispatcher.decide(T0, List.of(busyDay, quiet, quietLonger), List.of(caller("c1", q, null, T0, 0)), Staffing.DEFAULT);
        assertThat(out).containsExactly(new Offer("c1", List.of(3L)));
    }

    @Test
    void skillLevelPicksTheAgentWithTheHighestLevelInTheQueuesSkills() {
        var q = CARDS.routing(List.of("cards"), QueueDefinition.Strategy.SKILL_LEVEL, null, null);
        var staffing = new Staffing(Map.of(), Map.of("dana", Map.of("cards", 3), "eli", Map.of("cards", 7)));
        var out = Dispatcher.decide(T0, List.of(agent(1, "dana", T0.minusSeconds(60), 0), agent(2, "eli", T0, 0)), List.of(caller("c1", q, null, T0, 0)), staffing);
        assertThat(out).containsExactly(new Offer("c1", List.of(2L)));
    }

    @Test
    void noFreeAgentOrNoCallerDecidesNothing() {
        assertThat(Dispatcher.decide(T0, List.of(), List.of(caller("c1", CARDS, null, T0, 0)), Staffing.DEFAULT)).isEmpty();
        assertThat(Dispatcher.decide(T0, List.of(agent(1, "dana", T0, 0, "cards")), List.of(), Staffing.DEFAULT)).isEmpty();
    }
}
