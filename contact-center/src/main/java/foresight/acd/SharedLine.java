package foresight.acd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ACD's side of the cluster's shared line: every {@link QueueStore} call the {@link Acd} makes in cluster mode,
 * each one logged and made harmless when it fails. A database that fails or fences this node must never take a
 * caller's call down with it (the caller's media is on this node, and the janitor cleans up what was not written),
 * so writes return false and reads return null (or nothing to match) instead of throwing. No state of its own.
 */
final class SharedLine {
    private static final Logger log = LoggerFactory.getLogger(Acd.class);
    /** The longest reason or outcome the shared line stores. */
    private static final int RESULT_MAX = 32;

    private final QueueStore store;

    SharedLine(QueueStore store) { this.store = store; }

    /** Puts the caller at the end of the queue's line for its priority; false (to be retried) if refused or failed. */
    boolean enter(String queue, String callId, int priority) {
        try {
            boolean in = store.enqueue(queue, callId, priority);
            if (!in) log.warn("call={} event=shared_enqueue_refused queue={} reason=fenced", callId, queue);
            return in;
        } catch (RuntimeException ex) {
            log.warn("call={} event=shared_enqueue_failed queue={} error={}", callId, queue, ex.toString());
            return false;
        }
    }

    boolean answered(String callId, long agentId) { return write("answered", callId, () -> store.answered(callId, agentId)); }

    boolean offerFailed(String callId, long agentId, String why) {
        return write("offer_failed", callId, () -> store.offerFailed(callId, agentId, result(why)));
    }

    boolean left(String callId, String outcome) { return write("left", callId, () -> store.left(callId, result(outcome))); }

    /** Writes the agent's availability for every node's matches, as the roster's state maps onto the shared line's. */
    void availability(long agentId, Acd.AgentState to) {
        QueueStore.Availability a = switch (to) {
            case AVAILABLE -> QueueStore.Availability.AVAILABLE;
            case RINGING, ON_CALL -> QueueStore.Availability.BUSY;
            case WRAP_UP, NOT_READY, LOGGED_OUT -> QueueStore.Availability.AWAY; // away, not busy: a closing reservation does not free them
        };
        try {
            store.agentState(agentId, a);
        } catch (RuntimeException ex) {
            log.warn("event=shared_agent_state_failed agent_id={} state={} error={}", agentId, a, ex.toString());
        }
    }

    /** The queue's line in serving order, or null when it cannot be read (the caller then uses the local position). */
    List<QueueStore.Waiting> line(String queue) {
        try {
            return store.line(queue);
        } catch (RuntimeException ex) {
            log.warn("event=shared_line_read_failed queue={} error={}", queue, ex.toString());
            return null;
        }
    }

    /** The next match in the queue, or nothing (none possible now, or the database failed: logged). */
    Optional<QueueStore.Offer> match(String queue, Duration agingStep) {
        try {
            return store.match(queue, agingStep);
        } catch (RuntimeException ex) {
            log.warn("event=shared_match_failed queue={} error={}", queue, ex.toString());
            return Optional.empty();
        }
    }

    /** Offers other nodes made for this node's callers, or null when they cannot be read (looked at on the next wake-up). */
    List<QueueStore.Offer> pendingOffers() {
        try {
            return store.pendingOffers();
        } catch (RuntimeException ex) {
            log.warn("event=shared_pending_offers_failed error={}", ex.toString());
            return null;
        }
    }

    private static boolean write(String what, String callId, java.util.function.BooleanSupplier write) {
        try {
            return write.getAsBoolean();
        } catch (RuntimeException ex) {
            log.warn("call={} event=shared_write_failed write={} error={}", callId, what, ex.toString());
            return false;
        }
    }

    private static String result(String why) { return why.length() <= RESULT_MAX ? why : why.substring(0, RESULT_MAX); }
}
