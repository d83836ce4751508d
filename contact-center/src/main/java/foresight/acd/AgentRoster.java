package foresight.acd;

import foresight.acd.Acd.AgentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * AgentRoster: the agents of this node, their phones, and their state machine — every move checked against one table.
 *
 * <p>Moves the table does not list are refused here (logged, state unchanged) and nowhere else. Not thread-safe:
 * owned by the {@link Acd}, used under its lock only.
 */
final class AgentRoster {
    private static final Logger log = LoggerFactory.getLogger(AgentRoster.class);

    /** Where an agent may go from each state. Staying in a state (a new reason) is always allowed. */
    static final Map<AgentState, Set<AgentState>> LEGAL = legalMoves();

    private static Map<AgentState, Set<AgentState>> legalMoves() {
        Map<AgentState, Set<AgentState>> m = new EnumMap<>(AgentState.class);
        m.put(AgentState.LOGGED_OUT, EnumSet.of(AgentState.AVAILABLE, AgentState.NOT_READY));
        m.put(AgentState.AVAILABLE, EnumSet.of(AgentState.RINGING, AgentState.NOT_READY, AgentState.LOGGED_OUT));
        m.put(AgentState.RINGING, EnumSet.of(AgentState.ON_CALL, AgentState.AVAILABLE, AgentState.NOT_READY, AgentState.LOGGED_OUT));
        m.put(AgentState.ON_CALL, EnumSet.of(AgentState.WRAP_UP, AgentState.AVAILABLE, AgentState.LOGGED_OUT));
        m.put(AgentState.WRAP_UP, EnumSet.of(AgentState.AVAILABLE, AgentState.NOT_READY, AgentState.LOGGED_OUT));
        m.put(AgentState.NOT_READY, EnumSet.of(AgentState.AVAILABLE, AgentState.LOGGED_OUT));
        m.replaceAll((from, to) -> {
            Set<AgentState> with = EnumSet.copyOf(to);
            with.add(from);
            return Collections.unmodifiableSet(with);
        });
        return Collections.unmodifiableMap(m);
    }

    /** True if the table allows {@code from → to}. */
    static boolean legal(AgentState from, AgentState to) { return LEGAL.get(from).contains(to); }

    /** One agent as the ACD knows them. Fields written under the ACD's lock only. */
    static final class Slot {
        final long id;
        String username;
        String name;
        Set<String> memberOf;
        AgentState state = AgentState.LOGGED_OUT;
        Instant since;
        String reason;
        Instant until;              // end of wrap-up or of an automatic not-ready
        Instant idleSince = Instant.EPOCH;
        int callsToday;
        LocalDate callsDay;
        int missedInARow;
        boolean loggedOutByAgent;
        String callId;
        String queue;
        final Map<String, Instant> contacts = new LinkedHashMap<>();

        Slot(long id) { this.id = id; }

        List<String> liveContacts(Instant now) {
            List<String> out = new ArrayList<>();
            contacts.forEach((c, exp) -> { if (exp.isAfter(now)) out.add(c); });
            return out;
        }

        boolean reachable(Instant now) {
            for (Instant exp : contacts.values()) if (exp.isAfter(now)) return true;
            return false;
        }

        /** Calls taken on {@code today}'s date (0 if the last call was on another day). */
        int callsOn(LocalDate today) { return today.equals(callsDay) ? callsToday : 0; }

        Acd.AgentInfo info() { return new Acd.AgentInfo(id, username, name); }
    }

    private final Clock clock;
    private final ZoneId zone;
    private final Consumer<AcdEvent> events;
    private final StateSink moved;
    private final Map<Long, Slot> agents = new LinkedHashMap<>();

    /** Told of every state change as it is made, under the ACD's lock (the cluster's store writes it there). */
    interface StateSink {
        StateSink NONE = (id, from, to) -> {};

        void moved(long agentId, AgentState from, AgentState to);
    }

    /** @param events receives each state change (the ACD publishes them after its lock is released) */
    AgentRoster(Clock clock, ZoneId zone, Consumer<AcdEvent> events) { this(clock, zone, events, StateSink.NONE); }

    /** @param moved told of each change of state (not of a new reason in the same state) at once, before {@code events} */
    AgentRoster(Clock clock, ZoneId zone, Consumer<AcdEvent> events, StateSink moved) {
        this.clock = clock;
        this.zone = zone;
        this.events = events;
        this.moved = moved;
    }

    Slot get(long id) { return agents.get(id); }

    boolean contains(long id) { return agents.containsKey(id); }

    Collection<Slot> all() { return agents.values(); }

    /** The agent's slot, created LOGGED_OUT if new. */
    Slot add(long id) {
        return agents.computeIfAbsent(id, k -> {
            Slot s = new Slot(k);
            s.since = clock.instant();
            return s;
        });
    }

    Slot byUsername(String username) {
        for (Slot s : agents.values()) if (s.username.equals(username)) return s;
        return null;
    }

    /** Today's date in the ACD's zone, for calls-today counts. */
    LocalDate today() { return LocalDate.ofInstant(clock.instant(), zone); }

    /**
     * Moves the agent to {@code to} with a reason, if the table allows it: logs the change once and publishes it.
     * Returns false, and changes nothing, for a move the table refuses.
     */
    boolean move(Slot s, AgentState to, String reason) {
        AgentState from = s.state;
        if (!legal(from, to)) {
            log.warn("event=agent_state_refused agent={} from={} to={} reason={} call={}", s.username, from, to, reason == null ? "-" : reason, s.callId == null ? "-" : s.callId);
            return false;
        }
        Instant now = clock.instant();
        if (to == AgentState.AVAILABLE && from != AgentState.AVAILABLE) s.idleSince = now;
        if (to != AgentState.WRAP_UP && to != AgentState.NOT_READY) s.until = null;
        if (from == to && Objects.equals(reason, s.reason)) return true;
        s.state = to;
        s.reason = reason;
        s.since = now;
        log.info("event=agent_state agent={} from={} to={} reason={} call={}", s.username, from, to, reason == null ? "-" : reason, s.callId == null ? "-" : s.callId);
        if (from != to) moved.moved(s.id, from, to);
        events.accept(new AcdEvent.AgentStateChanged(now, s.queue, s.callId, s.username, from, to, reason, s.id));
        return true;
    }

    /**
     * After the agent's phones changed: the first phone logs them in (if {@code loginOnRegister}, unless they logged
     * out themselves), the last one gone logs them out.
     */
    void phonesChanged(Slot s, Instant now, boolean loginOnRegister) {
        boolean reachable = s.reachable(now);
        if (loginOnRegister && reachable && s.state == AgentState.LOGGED_OUT && !s.loggedOutByAgent) {
            move(s, AgentState.AVAILABLE, "registered");
        } else if (!reachable && (s.state == AgentState.AVAILABLE || s.state == AgentState.NOT_READY)) {
            move(s, AgentState.LOGGED_OUT, "unregistered");
        }
    }

    /** Ends wrap-ups and automatic not-readies that are over; logs out available agents whose phones all expired. */
    void expire(Instant now) {
        for (Slot s : agents.values()) {
            if (s.until != null && !now.isBefore(s.until) && (s.state == AgentState.WRAP_UP || s.state == AgentState.NOT_READY)) {
                move(s, AgentState.AVAILABLE, s.state == AgentState.WRAP_UP ? "wrap_up_over" : "timeout");
            }
            if (s.state == AgentState.AVAILABLE && !s.reachable(now)) { // expired, or unregistered during a call
                s.contacts.values().removeIf(exp -> !exp.isAfter(now));
                move(s, AgentState.LOGGED_OUT, "no_registration");
            }
        }
    }

    /** Agents logged in and ready or busy (not logged out, not not-ready) who have every skill the queue needs. */
    int staffed(QueueDefinition q, Staffing staffing) {
        int n = 0;
        for (Slot s : agents.values()) {
            if (s.state != AgentState.LOGGED_OUT && s.state != AgentState.NOT_READY && staffing.qualifies(s.username, s.memberOf, q)) n++;
        }
        return n;
    }
}
