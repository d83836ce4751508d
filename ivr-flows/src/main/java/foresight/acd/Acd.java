package foresight.acd;

import foresight.call.BridgeOutcome;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.db.agent.Agent;
import foresight.flows.model.QueueDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Automatic call distribution: callers wait in FIFO order per queue; the caller at the head gets the
 * longest-idle available agent of that queue who has a registered phone. A ring with no answer frees the agent
 * and the next one is tried; an agent whose phone rings out {@link #MAX_MISSED_OFFERS} times in a row is set
 * NOT_READY for {@code notReadyFor}, so callers are not kept ringing a phone nobody is at. Agent state lives in memory on this node (shared state across nodes is issue #6);
 * every change is also written to {@code agent_state_changes}.
 */
public final class Acd {
    private static final Logger log = LoggerFactory.getLogger(Acd.class);

    /** What an agent is doing, as far as this node knows. */
    public enum AgentState { AVAILABLE, RINGING, ON_CALL, NOT_READY }

    static final int MAX_MISSED_OFFERS = 3;

    private final AgentDirectory agents;
    private final Clock clock;
    private final java.time.Duration notReadyFor;
    private final Map<Long, Integer> missedInARow = new HashMap<>(); // guarded by lock
    private final Map<Long, Instant> notReadyUntil = new HashMap<>(); // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, AgentState> states = new HashMap<>();   // guarded by lock; absent = AVAILABLE
    private final Map<Long, Instant> idleSince = new HashMap<>();   // guarded by lock; absent = idle since ever
    private final Map<String, Deque<String>> waiting = new HashMap<>(); // guarded by lock

    public Acd(AgentDirectory agents, Clock clock, java.time.Duration notReadyFor) {
        this.agents = agents;
        this.clock = clock;
        this.notReadyFor = notReadyFor;
    }

    /** Callers waiting in {@code queue} right now. */
    public int waiting(String queue) {
        lock.lock();
        try {
            Deque<String> d = waiting.get(queue);
            return d == null ? 0 : d.size();
        } finally {
            lock.unlock();
        }
    }

    public AgentState state(long agentId) {
        lock.lock();
        try {
            return states.getOrDefault(agentId, AgentState.AVAILABLE);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps the caller in the queue until an agent has talked with them, the queue's max wait passes, or they
     * hang up. Blocks the call's thread; the caller hears whatever the flow queued (announcement, music).
     */
    public AcdOutcome serve(CallControl call, QueueDefinition queue, java.util.function.Consumer<Agent> onAnswered) {
        return serve(call, queue, onAnswered, null, null);
    }

    /**
     * As above; the answering agent may blind-transfer the caller (REFER) to a target {@code transferTargets}
     * accepts, and the caller hears {@code holdMusic} while the agent holds them.
     */
    public AcdOutcome serve(CallControl call, QueueDefinition queue, java.util.function.Consumer<Agent> onAnswered,
                            java.util.function.Predicate<String> transferTargets, foresight.call.AudioClip holdMusic) {
        Instant deadline = clock.instant().plus(queue.maxWait());
        Set<Long> tried = new HashSet<>();
        lock.lock();
        try {
            waiting.computeIfAbsent(queue.name(), k -> new ArrayDeque<>()).addLast(call.id());
        } finally {
            lock.unlock();
        }
        log.info("call={} event=queued queue={} position={}", call.id(), queue.name(), waiting(queue.name()));
        try {
            while (clock.instant().isBefore(deadline)) {
                if (call.isEnded()) return new AcdOutcome.Abandoned();
                Candidate c = reserveAgent(call.id(), queue.name(), tried);
                if (c == null) {
                    Thread.sleep(300);
                    continue;
                }
                log.info("call={} event=offered queue={} agent={}", call.id(), queue.name(), c.agent.username());
                BridgeOutcome outcome;
                try {
                    moveAgent(c.agent, AgentState.RINGING);
                    outcome = call.bridge(new foresight.call.BridgeRequest(c.contact, queue.ringTimeout(), () -> {
                        moveAgent(c.agent, AgentState.ON_CALL);
                        log.info("call={} event=agent_answered queue={} agent={}", call.id(), queue.name(), c.agent.username());
                        onAnswered.accept(c.agent);
                    }, transferTargets, holdMusic));
                } catch (CallEndedException e) {
                    moveAgent(c.agent, AgentState.AVAILABLE);
                    return new AcdOutcome.Abandoned();
                }
                switch (outcome) {
                    case BridgeOutcome.Talked t -> {
                        missed(c.agent, false);
                        moveAgent(c.agent, AgentState.AVAILABLE);
                        return new AcdOutcome.Answered(c.agent.id(), c.agent.username(), t.endedBy());
                    }
                    case BridgeOutcome.Transferred t -> {
                        missed(c.agent, false);
                        moveAgent(c.agent, AgentState.AVAILABLE);
                        log.info("call={} event=transferred queue={} agent={} target={}", call.id(), queue.name(), c.agent.username(), t.target());
                        return new AcdOutcome.Transferred(c.agent.id(), c.agent.username(), t.target());
                    }
                    case BridgeOutcome.NotAnswered n -> {
                        log.info("call={} event=offer_failed agent={} status={} reason={}", call.id(), c.agent.username(), n.sipStatus(), n.reason());
                        // Only ringing out counts as "not at the phone"; busy (486) or declined means they are there.
                        boolean silent = n.sipStatus() == 408 || n.sipStatus() == 480;
                        moveAgent(c.agent, missed(c.agent, silent) ? AgentState.NOT_READY : AgentState.AVAILABLE);
                        tried.add(c.agent.id());
                    }
                }
            }
            return new AcdOutcome.TimedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AcdOutcome.Abandoned();
        } finally {
            lock.lock();
            try {
                waiting.get(queue.name()).remove(call.id());
            } finally {
                lock.unlock();
            }
        }
    }

    private record Candidate(Agent agent, String contact) {}

    /** Updates the agent's run of unanswered offers; true when it just reached the limit. */
    private boolean missed(Agent a, boolean silent) {
        lock.lock();
        try {
            int n = silent ? missedInARow.getOrDefault(a.id(), 0) + 1 : 0;
            missedInARow.put(a.id(), n);
            if (n < MAX_MISSED_OFFERS) return false;
            missedInARow.remove(a.id());
            notReadyUntil.put(a.id(), clock.instant().plus(notReadyFor));
            log.warn("event=agent_not_ready agent={} reason=missed_offers count={} for_seconds={}", a.username(), n, notReadyFor.toSeconds());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** If this caller is at the head of the queue, reserves the longest-idle reachable agent (marks it RINGING). */
    private Candidate reserveAgent(String callId, String queue, Set<Long> tried) {
        lock.lock();
        try {
            if (!callId.equals(waiting.get(queue).peekFirst())) return null; // only the head looks for an agent: no queries for the rest
        } finally {
            lock.unlock();
        }
        List<Agent> members = agents.members(queue);
        Map<Long, List<String>> reachable = new HashMap<>(); // looked up before taking the lock: no I/O under it
        for (Agent a : members) reachable.put(a.id(), agents.contacts(a.id(), clock.instant()));
        lock.lock();
        try {
            if (!callId.equals(waiting.get(queue).peekFirst())) return null;
            Candidate best = null;
            Instant bestIdle = null;
            boolean anyUntried = false;
            for (Agent a : members) {
                Instant until = notReadyUntil.get(a.id());
                if (until != null && !clock.instant().isBefore(until)) {
                    notReadyUntil.remove(a.id());
                    states.remove(a.id());
                    log.info("event=agent_state agent={} from=NOT_READY to=AVAILABLE reason=timeout", a.username());
                }
                if (states.getOrDefault(a.id(), AgentState.AVAILABLE) != AgentState.AVAILABLE) continue;
                List<String> contacts = reachable.get(a.id());
                if (contacts.isEmpty()) continue;
                if (tried.contains(a.id())) continue;
                anyUntried = true;
                Instant idle = idleSince.getOrDefault(a.id(), Instant.EPOCH);
                if (bestIdle == null || idle.isBefore(bestIdle)) {
                    best = new Candidate(a, contacts.getFirst());
                    bestIdle = idle;
                }
            }
            if (!anyUntried) tried.clear(); // everyone was tried once: start a new round after a pause
            if (best != null) states.put(best.agent.id(), AgentState.RINGING);
            return best;
        } finally {
            lock.unlock();
        }
    }

    private void moveAgent(Agent a, AgentState to) {
        lock.lock();
        try {
            AgentState from = states.getOrDefault(a.id(), AgentState.AVAILABLE);
            if (to == AgentState.AVAILABLE) {
                states.remove(a.id());
                idleSince.put(a.id(), clock.instant());
            } else {
                states.put(a.id(), to);
            }
            if (from != to) log.info("event=agent_state agent={} from={} to={}", a.username(), from, to);
        } finally {
            lock.unlock();
        }
        agents.stateChanged(a.id(), to.name());
    }
}
