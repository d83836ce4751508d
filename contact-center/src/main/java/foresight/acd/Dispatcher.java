package foresight.acd;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dispatcher: pairs waiting callers with free agents — state in, decisions out; no threads, no clock, no I/O.
 *
 * <p>Callers go in order of priority (their tier's priority, raised one step per the queue's aging step waited, so
 * nobody starves), then arrival, then a sequence number. Each gets the agents its queue's strategy picks among the
 * free agents who have every skill the queue needs and were not yet tried for that caller; when every such agent
 * was tried, the caller starts a new round (offered next time). Cost: one sort of the callers plus, per caller
 * considered, one pass over the free agents; it stops when no agent is free.
 */
final class Dispatcher {
    private Dispatcher() {}

    /** A free agent: available, with a phone registered. */
    record FreeAgent(long id, String username, Set<String> memberOf, Instant idleSince, int callsToday) {}

    /** A caller waiting for an offer; {@code tried}: agents already offered this caller in this round. */
    record WaitingCaller(String callId, QueueDefinition queue, String tier, Instant enqueued, long seq, Set<Long> tried) {
        int priority(Instant now, Staffing staffing) { return Dispatcher.priority(staffing, tier, queue, enqueued, now); }
    }

    /** What to do. */
    sealed interface Decision {}

    /** Ring these agents (in the strategy's order; several only for ring-all) for this caller. */
    record Offer(String callId, List<Long> agentIds) implements Decision {
        Offer { agentIds = List.copyOf(agentIds); }
    }

    /** Every free skilled agent was tried for this caller: forget who was tried; the caller is offered next time. */
    record NewRound(String callId) implements Decision {}

    /** The decisions for this moment, in the order they are to be carried out. */
    static List<Decision> decide(Instant now, List<FreeAgent> freeAgents, List<WaitingCaller> callers, Staffing staffing) {
        List<Decision> out = new ArrayList<>();
        if (freeAgents.isEmpty() || callers.isEmpty()) return out;
        List<FreeAgent> free = new ArrayList<>(freeAgents);
        List<WaitingCaller> waiting = new ArrayList<>(callers);
        waiting.sort(order(now, staffing));
        for (WaitingCaller c : waiting) {
            if (free.isEmpty()) break;
            List<FreeAgent> untried = new ArrayList<>();
            boolean skilled = false;
            for (FreeAgent a : free) {
                if (!staffing.qualifies(a.username(), a.memberOf(), c.queue())) continue;
                skilled = true;
                if (!c.tried().contains(a.id())) untried.add(a);
            }
            if (!skilled) continue;
            if (untried.isEmpty()) {
                out.add(new NewRound(c.callId()));
                continue;
            }
            List<FreeAgent> chosen = choose(c.queue(), untried, staffing);
            free.removeAll(chosen);
            out.add(new Offer(c.callId(), chosen.stream().map(FreeAgent::id).toList()));
        }
        return out;
    }

    /** Serving order: higher priority first, then earlier arrival, then lower sequence number. */
    static Comparator<WaitingCaller> order(Instant now, Staffing staffing) {
        Map<WaitingCaller, Integer> prio = new IdentityHashMap<>(); // records hash by value: costly, and identity is what is meant
        return Comparator.<WaitingCaller>comparingInt(c -> -prio.computeIfAbsent(c, x -> x.priority(now, staffing)))
                .thenComparing(WaitingCaller::enqueued).thenComparingLong(WaitingCaller::seq);
    }

    /** The tier's priority plus one per aging step waited. */
    static int priority(Staffing staffing, String tier, QueueDefinition queue, Instant enqueued, Instant now) {
        int p = staffing.priority(tier);
        long step = queue.agingStep().toMillis();
        if (step > 0) p += (int) (Duration.between(enqueued, now).toMillis() / step);
        return p;
    }

    private static List<FreeAgent> choose(QueueDefinition q, List<FreeAgent> candidates, Staffing staffing) {
        Comparator<FreeAgent> idle = Comparator.comparing(FreeAgent::idleSince);
        return switch (q.strategy()) {
            case RING_ALL -> candidates;
            case LONGEST_IDLE -> List.of(candidates.stream().min(idle).orElseThrow());
            case FEWEST_CALLS -> List.of(candidates.stream().min(Comparator.comparingInt(FreeAgent::callsToday).thenComparing(idle)).orElseThrow());
            case SKILL_LEVEL -> List.of(candidates.stream().min(Comparator.<FreeAgent>comparingInt(a -> -staffing.level(a.username(), a.memberOf(), q)).thenComparing(idle)).orElseThrow());
        };
    }
}
