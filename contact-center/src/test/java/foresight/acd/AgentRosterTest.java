package foresight.acd;

import foresight.acd.Acd.AgentState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRosterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
    private final List<AcdEvent> events = new ArrayList<>();
    private final AgentRoster roster = new AgentRoster(clock, ZoneOffset.UTC, events::add);

    /** A legal way from LOGGED_OUT into each state. */
    private static final Map<AgentState, List<AgentState>> PATH = Map.of(
            AgentState.LOGGED_OUT, List.of(),
            AgentState.AVAILABLE, List.of(AgentState.AVAILABLE),
            AgentState.NOT_READY, List.of(AgentState.NOT_READY),
            AgentState.RINGING, List.of(AgentState.AVAILABLE, AgentState.RINGING),
            AgentState.ON_CALL, List.of(AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL),
            AgentState.WRAP_UP, List.of(AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP));

    private AgentRoster.Slot agentIn(AgentState state) {
        AgentRoster.Slot s = roster.add(1);
        s.username = "dana";
        s.memberOf = Set.of("cards");
        for (AgentState step : PATH.get(state)) assertThat(roster.move(s, step, "setup")).as("setup move to " + step).isTrue();
        assertThat(s.state).isEqualTo(state);
        events.clear();
        return s;
    }

    static Stream<Arguments> illegalMoves() {
        return Stream.of(
                Arguments.of(AgentState.LOGGED_OUT, AgentState.RINGING),
                Arguments.of(AgentState.LOGGED_OUT, AgentState.ON_CALL),
                Arguments.of(AgentState.LOGGED_OUT, AgentState.WRAP_UP),
                Arguments.of(AgentState.AVAILABLE, AgentState.ON_CALL),
                Arguments.of(AgentState.AVAILABLE, AgentState.WRAP_UP),
                Arguments.of(AgentState.RINGING, AgentState.WRAP_UP),
                Arguments.of(AgentState.ON_CALL, AgentState.RINGING),
                Arguments.of(AgentState.ON_CALL, AgentState.NOT_READY),
                Arguments.of(AgentState.WRAP_UP, AgentState.RINGING),
                Arguments.of(AgentState.WRAP_UP, AgentState.ON_CALL),
                Arguments.of(AgentState.NOT_READY, AgentState.RINGING),
                Arguments.of(AgentState.NOT_READY, AgentState.ON_CALL),
                Arguments.of(AgentState.NOT_READY, AgentState.WRAP_UP));
    }

    @ParameterizedTest(name = "{0} -> {1} is refused")
    @MethodSource("illegalMoves")
    void illegalMoveIsRefusedAndChangesNothing(AgentState from, AgentState to) {
        AgentRoster.Slot s = agentIn(from);
        assertThat(roster.move(s, to, "bad")).isFalse();
        assertThat(s.state).isEqualTo(from);
        assertThat(s.reason).isEqualTo(from == AgentState.LOGGED_OUT ? null : "setup");
        assertThat(events).as("a refused move publishes nothing").isEmpty();
    }

    @Test
    void theTableRefusesExactlyTheListedIllegalMoves() {
        long listed = illegalMoves().count();
        int refused = 0;
        for (AgentState from : AgentState.values()) for (AgentState to : AgentState.values()) if (!AgentRoster.legal(from, to)) refused++;
        assertThat(refused).isEqualTo(listed);
    }

    @Test
    void everyStateMayBeKeptWithANewReason() {
        for (AgentState st : AgentState.values()) assertThat(AgentRoster.legal(st, st)).as(st.name()).isTrue();
    }

    @Test
    void legalMoveChangesStateAndPublishesOneEventWithFromToAndReason() {
        AgentRoster.Slot s = agentIn(AgentState.AVAILABLE);
        assertThat(roster.move(s, AgentState.NOT_READY, "lunch")).isTrue();
        assertThat(s.state).isEqualTo(AgentState.NOT_READY);
        assertThat(events).singleElement().isEqualTo(new AcdEvent.AgentStateChanged(clock.instant(), null, null, "dana",
                AgentState.AVAILABLE, AgentState.NOT_READY, "lunch", 1));
        assertThat(events.getFirst().detail()).containsEntry("from", "AVAILABLE").containsEntry("to", "NOT_READY").containsEntry("reason", "lunch");
    }

    @Test
    void sameStateWithTheSameReasonPublishesNothing() {
        AgentRoster.Slot s = agentIn(AgentState.NOT_READY);
        assertThat(roster.move(s, AgentState.NOT_READY, "setup")).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void becomingAvailableStartsTheIdleClockAndLeavingWrapUpClearsItsEnd() {
        AgentRoster.Slot s = agentIn(AgentState.WRAP_UP);
        s.until = clock.instant().plusSeconds(30);
        roster.move(s, AgentState.AVAILABLE, "wrap_up_over");
        assertThat(s.idleSince).isEqualTo(clock.instant());
        assertThat(s.until).isNull();
    }
}
