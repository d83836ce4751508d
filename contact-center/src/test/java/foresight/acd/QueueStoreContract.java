package foresight.acd;

import foresight.acd.QueueStore.Availability;
import foresight.acd.QueueStore.Offer;
import foresight.acd.QueueStore.Waiting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link QueueStore} must do, whatever keeps the lines. Each test uses its own queue names and agents, so
 * implementations may share one database between tests.
 */
public abstract class QueueStoreContract {
    private static final AtomicInteger names = new AtomicInteger();

    /** The store under test (one node's view). */
    protected abstract QueueStore store();

    /** A new agent who serves exactly {@code queues}; away until told otherwise. */
    protected abstract long newAgent(Set<String> queues);

    /** A queue name no other test uses. */
    protected static String newQueue() { return "q" + names.incrementAndGet() + "-" + System.nanoTime() % 100000; }

    @Test
    void theHeadOfTheLineIsOfferedToAFreeMemberAgent() {
        String q = newQueue();
        long agent = newAgent(Set.of(q));
        store().agentState(agent, Availability.AVAILABLE);
        store().enqueue(q, q + "-first", 0);
        store().enqueue(q, q + "-second", 0);
        assertThat(store().match(q, Duration.ZERO)).contains(new Offer(q, q + "-first", agent));
        assertThat(store().pendingOffers()).contains(new Offer(q, q + "-first", agent));
        assertThat(store().line(q)).extracting(Waiting::callId).containsExactly(q + "-first", q + "-second");
        assertThat(store().line(q)).extracting(Waiting::agentId).containsExactly(agent, null);
    }

    @Test
    void anAgentWithAnOpenOfferIsNotOfferedAgainUntilItCloses() {
        String q = newQueue();
        long agent = newAgent(Set.of(q));
        store().agentState(agent, Availability.AVAILABLE);
        store().enqueue(q, q + "-a", 0);
        store().enqueue(q, q + "-b", 0);
        assertThat(store().match(q, Duration.ZERO)).isPresent();
        store().agentState(agent, Availability.AVAILABLE); // e.g. a stray "ready" click while the phone rings
        assertThat(store().match(q, Duration.ZERO)).as("still reserved for the first caller").isEmpty();
        assertThat(store().answered(q + "-a", agent)).isTrue();
        assertThat(store().match(q, Duration.ZERO)).as("busy with the first caller").isEmpty();
        assertThat(store().left(q + "-a", "answered")).isTrue();
        assertThat(store().match(q, Duration.ZERO)).contains(new Offer(q, q + "-b", agent));
    }

    @Test
    void aFailedOfferPutsTheCallerBackInItsPlaceAndFreesTheAgent() {
        String q = newQueue();
        long agent = newAgent(Set.of(q));
        store().agentState(agent, Availability.AVAILABLE);
        store().enqueue(q, q + "-a", 0);
        store().enqueue(q, q + "-b", 0);
        store().match(q, Duration.ZERO).orElseThrow();
        assertThat(store().offerFailed(q + "-a", agent, "no_answer")).isTrue();
        assertThat(store().offerFailed(q + "-a", agent, "no_answer")).as("no offer open any more").isFalse();
        assertThat(store().line(q)).extracting(Waiting::callId).containsExactly(q + "-a", q + "-b");
        assertThat(store().match(q, Duration.ZERO)).contains(new Offer(q, q + "-a", agent));
    }

    @Test
    void aHigherPriorityCallerIsServedBeforeEarlierOnes() {
        String q = newQueue();
        long agent = newAgent(Set.of(q));
        store().agentState(agent, Availability.AVAILABLE);
        store().enqueue(q, q + "-standard", 0);
        store().enqueue(q, q + "-gold", 5);
        assertThat(store().match(q, Duration.ZERO).orElseThrow().callId()).isEqualTo(q + "-gold");
    }

    @Test
    void agingKeepsCallersOfOneTierInArrivalOrder() {
        String q = newQueue();
        long agent = newAgent(Set.of(q));
        store().agentState(agent, Availability.AVAILABLE);
        for (int i = 0; i < 5; i++) store().enqueue(q, q + "-" + i, 0);
        for (int i = 0; i < 5; i++) {
            Offer o = store().match(q, Duration.ofMillis(1)).orElseThrow();
            assertThat(o.callId()).isEqualTo(q + "-" + i);
            store().left(o.callId(), "answered");
        }
    }

    @Test
    void onlyAvailableMembersOfTheQueueAreOffered() {
        String q = newQueue();
        long away = newAgent(Set.of(q));
        long elsewhere = newAgent(Set.of(newQueue()));
        store().agentState(away, Availability.AWAY);
        store().agentState(elsewhere, Availability.AVAILABLE);
        store().enqueue(q, q + "-a", 0);
        assertThat(store().match(q, Duration.ZERO)).isEmpty();
        long member = newAgent(Set.of(q));
        store().agentState(member, Availability.AVAILABLE);
        assertThat(store().match(q, Duration.ZERO).orElseThrow().agentId()).isEqualTo(member);
    }

    @Test
    void theAgentIdleLongestIsOfferedFirst() {
        String q = newQueue();
        long first = newAgent(Set.of(q));
        long second = newAgent(Set.of(q));
        store().agentState(first, Availability.AVAILABLE);
        store().agentState(second, Availability.AVAILABLE);
        store().enqueue(q, q + "-a", 0);
        assertThat(store().match(q, Duration.ZERO).orElseThrow().agentId()).isEqualTo(first);
    }

    @Test
    void aCallerWaitsInOneLineAtATime() {
        String q = newQueue();
        store().enqueue(q, q + "-a", 0);
        assertThatThrownBy(() -> store().enqueue(newQueue(), q + "-a", 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining(q + "-a");
        assertThat(store().left(q + "-a", "abandoned")).isTrue();
        assertThat(store().left(q + "-a", "abandoned")).as("already gone").isFalse();
        assertThat(store().enqueue(q, q + "-a", 0)).as("a transfer back starts a new wait").isTrue();
    }
}
