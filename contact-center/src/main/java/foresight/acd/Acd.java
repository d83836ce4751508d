package foresight.acd;

import foresight.call.AudioClip;
import foresight.call.BridgeOutcome;
import foresight.call.BridgeRequest;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import foresight.db.agent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Automatic call distribution for all queues of this node, decided in one place.
 *
 * <p>Callers wait in queues; agents have skills with levels. Whenever something changes (a caller arrives, an agent
 * becomes free, a ring fails, a timer passes) {@link #dispatch} pairs waiting callers with free agents: callers in
 * order of priority (their tier's priority, raised one step per {@code aging_seconds} waited, so nobody starves) then
 * arrival, each with an agent chosen by the queue's strategy among the free agents who have every skill the queue
 * needs and have not been tried for that caller. The caller's own thread then rings the agent's phones (all of an
 * agent's registered devices at once; every free skilled agent's at once for ring-all) and reports back.
 *
 * <p>Agents move LOGGED_OUT → AVAILABLE → RINGING → ON_CALL → WRAP_UP → AVAILABLE, or to NOT_READY with a reason.
 * An agent whose phone rings out {@code missedOffersLimit} times in a row is set NOT_READY ("missed_offers") for
 * {@code notReadyFor}. Every decision is published as an {@link AcdEvent} (stored in PostgreSQL and streamed to
 * wallboards by listeners); state lives in memory on this node and is rebuilt from registrations at start-up.
 *
 * <p>One lock guards all state; no I/O happens under it: listeners get events after it is released.
 */
public final class Acd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Acd.class);

    /** What an agent is doing. */
    public enum AgentState { LOGGED_OUT, AVAILABLE, RINGING, ON_CALL, WRAP_UP, NOT_READY }

    /**
     * @param missedOffersLimit rung-out offers in a row after which an agent is set not-ready
     * @param notReadyFor       how long that not-ready lasts before the agent is available again
     * @param loginOnRegister   an agent whose phone registers is logged in (unless they logged out themselves)
     * @param callbackAttempts  how often a callback is dialled before it is given up
     * @param callbackRetry     the pause between callback attempts
     */
    public record Settings(int missedOffersLimit, Duration notReadyFor, boolean loginOnRegister, int callbackAttempts, Duration callbackRetry) {
        public static final Settings DEFAULT = new Settings(3, Duration.ofMinutes(5), true, 3, Duration.ofSeconds(60));
    }

    /** Who is waiting: their number (for callbacks), their customer tier and name (for the agent's screen). */
    public record Caller(String number, String tier, String name) {
        public static final Caller UNKNOWN = new Caller(null, null, null);
    }

    /** What a waiting caller is told: where they are, how long they waited, how long is left (null: unknown). */
    public record WaitStatus(int position, Duration waited, Duration estimatedWait, int staffed) {}

    /** What the flow decides each time it is asked while the caller waits. */
    public enum WaitAction { KEEP_WAITING, CALLBACK }

    /** The agent who took a call. */
    public record AgentInfo(long id, String username, String name) {}

    /**
     * What the flow hooks into while a caller is served.
     *
     * @param onAnswered      runs right after the caller is bridged to the agent
     * @param transferTargets blind-transfer targets the agent may use; null: none
     * @param holdMusic       heard while the agent holds the caller
     * @param onWait          asked about four times a second while no phone rings for the caller (announcements, callback
     *                        key); the status is computed only if asked for, since it costs a pass over the queue
     */
    public record Hooks(Consumer<AgentInfo> onAnswered, Predicate<String> transferTargets, AudioClip holdMusic, Function<Supplier<WaitStatus>, WaitAction> onWait) {
        public Hooks {
            if (onWait == null) onWait = s -> WaitAction.KEEP_WAITING;
        }
    }

    /** A callback whose turn came: an agent is reserved; dial the customer, then {@link #connect} or {@link #failed}. */
    public interface CallbackJob {
        String callId();

        String number();

        QueueDefinition queue();

        int attempt();

        /** The customer answered: rings the reserved agent and serves the customer like any caller, keeping their place. */
        AcdOutcome connect(CallControl customer, Hooks hooks);

        /** The customer could not be reached; the agent is released and the callback retried or given up. */
        void failed(String reason);
    }

    // --- views (for /api/queues, wallboard, agent page) ---

    public record WaitingView(String callId, String queue, int position, long waitSeconds, String tier, String name, boolean callback,
                              int attempts, List<String> ringing) {}

    public record QueueStats(int answered, int abandoned, int answeredInTime, double serviceLevel, double abandonRate,
                             long handleSeconds, long longestWaitSeconds) {}

    public record QueueView(String name, List<WaitingView> waiting, Map<AgentState, Integer> agents, QueueStats lastHour,
                            Long estimatedWaitSeconds, QueueDefinition definition) {}

    /** An agent now; {@code callId} and {@code queue} are of the call they are on, or of their last call. */
    public record AgentView(long id, String username, String name, AgentState state, String reason, long inStateSeconds,
                            String callId, String queue, int callsToday, Map<String, Integer> skills, int devices) {}

    public record Snapshot(Instant at, List<QueueView> queues, List<AgentView> agents) {}

    // --- state ---

    private static final class Slot {
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

        AgentInfo info() { return new AgentInfo(id, username, name); }
    }

    private final class Entry {
        final String callId;
        final QueueDefinition queue;
        final Caller caller;
        final Instant enqueued;
        final long seq;
        final Set<Long> tried = new HashSet<>();
        final BlockingQueue<Offer> inbox = new ArrayBlockingQueue<>(1);
        Offer offer;
        boolean talking;        // an agent answered; the entry stays until the talk ends (then it is finished)
        boolean callback;
        String callbackNumber;
        int attempts;
        Instant notBefore = Instant.EPOCH;

        Entry(String callId, QueueDefinition queue, Caller caller, Instant enqueued, long seq) {
            this.callId = callId;
            this.queue = queue;
            this.caller = caller;
            this.enqueued = enqueued;
            this.seq = seq;
        }

        int priority(Instant now, Staffing staffing) {
            int p = staffing.priority(caller.tier());
            long step = queue.agingStep().toMillis();
            if (step > 0) p += (int) (Duration.between(enqueued, now).toMillis() / step);
            return p;
        }
    }

    private record Offer(Entry entry, List<Slot> agents, Map<String, Slot> byContact) {}

    private record Done(String queue, Instant at, boolean answered, long waitMs, long handleMs) {}

    private final AgentDirectory directory;
    private final Clock clock;
    private final Settings settings;
    private final Supplier<? extends QueueSetup> flows;
    private final ZoneId zone = ZoneId.systemDefault();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Slot> agents = new LinkedHashMap<>();        // guarded by lock
    private final Map<String, Entry> entries = new LinkedHashMap<>();    // guarded by lock; by call id
    private final Deque<Done> done = new ArrayDeque<>();                 // guarded by lock; the last hour
    private final List<AcdEvent> pending = new ArrayList<>();            // guarded by lock; published after unlock
    private final List<Consumer<AcdEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock publishing = new ReentrantLock();       // keeps listeners' order = decision order
    private volatile Consumer<CallbackJob> callbackHandler;
    private long seq;
    private final Thread ticker;
    private volatile boolean closed;

    public Acd(AgentDirectory directory, Clock clock, Settings settings, Supplier<? extends QueueSetup> flows) {
        this.directory = directory;
        this.clock = clock;
        this.settings = settings;
        this.flows = flows;
        reloadAgents();
        ticker = Thread.ofPlatform().daemon().name("acd-ticker").start(this::tick);
    }

    /** Receives every event after the decision was made, in order, on the deciding thread: keep it fast. */
    public void addListener(Consumer<AcdEvent> listener) { listeners.add(listener); }

    /** Who dials customers back when a callback's turn comes (runs on its own virtual thread per job). */
    public void onCallback(Consumer<CallbackJob> handler) { this.callbackHandler = handler; }

    // --- agents ---

    /** Loads agents added since start (and, the first time, their registrations). */
    public void reloadAgents() {
        List<Agent> all = directory.all();
        Map<Long, Map<String, Instant>> regs = directory.registrations(clock.instant());
        locked(() -> {
            for (Agent a : all) {
                Slot s = agents.get(a.id());
                boolean fresh = s == null;
                if (fresh) {
                    s = new Slot(a.id());
                    s.since = clock.instant();
                    agents.put(a.id(), s);
                }
                s.username = a.username();
                s.name = a.displayName();
                s.memberOf = a.queues();
                if (fresh) {
                    s.contacts.putAll(regs.getOrDefault(a.id(), Map.of()));
                    if (settings.loginOnRegister() && !s.liveContacts(clock.instant()).isEmpty()) move(s, AgentState.AVAILABLE, "registered");
                }
            }
        });
    }

    /** A REGISTER was accepted: {@code expiresAt} in the past removes the binding. */
    public void registered(long agentId, String contact, Instant expiresAt) {
        if (!lockedGet(() -> agents.containsKey(agentId))) reloadAgents();
        locked(() -> {
            Slot s = agents.get(agentId);
            if (s == null) return;
            Instant now = clock.instant();
            if (expiresAt.isAfter(now)) s.contacts.put(contact, expiresAt);
            else s.contacts.remove(contact);
            phonesChanged(s, now);
            dispatch();
        });
    }

    /**
     * After the agent's phones changed: the first phone logs them in (unless they logged out themselves), the last
     * one gone logs them out. Under the lock.
     */
    private void phonesChanged(Slot s, Instant now) {
        boolean reachable = !s.liveContacts(now).isEmpty();
        if (settings.loginOnRegister() && reachable && s.state == AgentState.LOGGED_OUT && !s.loggedOutByAgent) {
            move(s, AgentState.AVAILABLE, "registered");
        } else if (!reachable && (s.state == AgentState.AVAILABLE || s.state == AgentState.NOT_READY)) {
            move(s, AgentState.LOGGED_OUT, "unregistered");
        }
    }

    /** The agent logs in (page or feature code): available if a phone is registered, else not ready ("no_phone"). */
    public boolean login(String username) {
        return lockedGet(() -> {
            Slot s = byUsername(username);
            if (s == null) return false;
            s.loggedOutByAgent = false;
            if (s.state == AgentState.LOGGED_OUT || s.state == AgentState.NOT_READY) {
                boolean phone = !s.liveContacts(clock.instant()).isEmpty();
                move(s, phone ? AgentState.AVAILABLE : AgentState.NOT_READY, phone ? "login" : "no_phone");
            }
            dispatch();
            return true;
        });
    }

    /** The agent logs out; a call in progress is finished first (the state changes when it ends). */
    public boolean logout(String username) {
        return lockedGet(() -> {
            Slot s = byUsername(username);
            if (s == null) return false;
            s.loggedOutByAgent = true;
            if (s.state == AgentState.AVAILABLE || s.state == AgentState.NOT_READY || s.state == AgentState.WRAP_UP) move(s, AgentState.LOGGED_OUT, "logout");
            return true;
        });
    }

    /** Ready (true) or not ready with a reason code. Ends wrap-up early when ready. */
    public boolean ready(String username, boolean ready, String reason) {
        return lockedGet(() -> {
            Slot s = byUsername(username);
            if (s == null || s.state == AgentState.LOGGED_OUT && ready && s.liveContacts(clock.instant()).isEmpty()) return false;
            if (ready) {
                s.loggedOutByAgent = false;
                if (s.state != AgentState.RINGING && s.state != AgentState.ON_CALL && s.state != AgentState.AVAILABLE) {
                    s.missedInARow = 0;
                    move(s, AgentState.AVAILABLE, "ready");
                }
            } else if (s.state == AgentState.AVAILABLE || s.state == AgentState.WRAP_UP || s.state == AgentState.LOGGED_OUT) {
                move(s, AgentState.NOT_READY, reason == null || reason.isBlank() ? "not_ready" : reason);
            } else {
                return false; // ringing or on a call: the agent sets not-ready after it
            }
            dispatch();
            return true;
        });
    }

    public AgentState state(long agentId) {
        return lockedGet(() -> {
            Slot s = agents.get(agentId);
            return s == null ? AgentState.LOGGED_OUT : s.state;
        });
    }

    public AgentState state(String username) {
        return lockedGet(() -> {
            Slot s = byUsername(username);
            return s == null ? AgentState.LOGGED_OUT : s.state;
        });
    }

    /** Callers waiting in {@code queue} right now, ringing an agent or not (callbacks included; callers talking to an agent not). */
    public int waiting(String queue) {
        return lockedGet(() -> (int) entries.values().stream().filter(e -> !e.talking && e.queue.name().equals(queue)).count());
    }

    // --- callers ---

    /**
     * Keeps the caller in the queue until an agent has talked with them, the queue's max wait passes, they ask for
     * a callback, or they hang up. Blocks the call's thread; the caller hears whatever the flow queued.
     */
    public AcdOutcome serve(CallControl call, QueueDefinition queue, Caller caller, Hooks hooks) {
        Entry e = enqueue(call.id(), queue, caller == null ? Caller.UNKNOWN : caller);
        return serve(call, e, hooks, queue.maxWait());
    }

    /** {@link #serve(CallControl, QueueDefinition, Caller, Hooks)} for an unknown caller, without transfers or waiting hooks. */
    public AcdOutcome serve(CallControl call, QueueDefinition queue, Consumer<AgentInfo> onAnswered) {
        return serve(call, queue, Caller.UNKNOWN, new Hooks(onAnswered, null, null, null));
    }

    private Entry enqueue(String callId, QueueDefinition queue, Caller caller) {
        return lockedGet(() -> {
            Entry e = new Entry(callId, queue, caller, clock.instant(), seq++);
            entries.put(callId, e);
            int position = position(e);
            log.info("call={} event=queued queue={} position={} tier={}", callId, queue.name(), position, caller.tier());
            emit("enqueue", queue.name(), callId, null, detail("position", position, "tier", caller.tier(), "priority", e.priority(e.enqueued, staffing())));
            dispatch();
            return e;
        });
    }

    private AcdOutcome serve(CallControl call, Entry e, Hooks hooks, Duration maxWait) {
        Instant deadline = clock.instant().plus(maxWait);
        try {
            while (true) {
                if (call.isEnded()) return finish(e, "abandoned", new AcdOutcome.Abandoned());
                if (!clock.instant().isBefore(deadline) && leaveIfIdle(e, "timeout")) return new AcdOutcome.TimedOut();
                Offer o = e.inbox.poll(250, TimeUnit.MILLISECONDS);
                if (o == null) {
                    if (call.isEnded()) return finish(e, "abandoned", new AcdOutcome.Abandoned());
                    WaitAction action = hooks.onWait().apply(() -> status(e));
                    if (action == WaitAction.CALLBACK && toCallback(e, e.caller.number() != null ? e.caller.number() : call.callerNumber())) return new AcdOutcome.CallbackRequested();
                    continue;
                }
                AcdOutcome out = ring(call, e, o, hooks);
                if (out != null) return out;
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return finish(e, "abandoned", new AcdOutcome.Abandoned());
        }
    }

    /** Rings the offered agents' phones; returns the outcome, or null when nobody answered and the caller keeps waiting. */
    private AcdOutcome ring(CallControl call, Entry e, Offer o, Hooks hooks) {
        Slot[] answeredBy = {null};
        Instant[] answeredAt = {null};
        BridgeOutcome out;
        try {
            out = call.bridge(new BridgeRequest(List.copyOf(o.byContact().keySet()), e.queue.ringTimeout(), contact -> {
                Slot s = o.byContact().get(contact);
                answeredBy[0] = s;
                answeredAt[0] = clock.instant();
                answered(e, o, s);
                log.info("call={} event=agent_answered queue={} agent={}", e.callId, e.queue.name(), s.username);
                if (hooks.onAnswered() != null) hooks.onAnswered().accept(s.info());
            }, hooks.transferTargets(), hooks.holdMusic()));
        } catch (CallEndedException ex) {
            release(o, null, 0);
            return finish(e, "abandoned", new AcdOutcome.Abandoned());
        }
        return switch (out) {
            case BridgeOutcome.Talked t -> {
                Slot s = answeredBy[0];
                afterCall(e, s, answeredAt[0]);
                yield finish(e, "answered", new AcdOutcome.Answered(s.id, s.username, t.endedBy()));
            }
            case BridgeOutcome.Transferred t -> {
                Slot s = answeredBy[0];
                afterCall(e, s, answeredAt[0]);
                log.info("call={} event=transferred queue={} agent={} target={}", e.callId, e.queue.name(), s.username, t.target());
                yield finish(e, "transferred", new AcdOutcome.Transferred(s.id, s.username, t.target()));
            }
            case BridgeOutcome.NotAnswered n -> {
                log.info("call={} event=offer_failed queue={} agents={} status={} reason={}", e.callId, e.queue.name(),
                        o.agents().stream().map(s -> s.username).toList(), n.sipStatus(), n.reason());
                // Only ringing out counts as "not at the phone"; busy (486) or declined means they are there.
                boolean silent = n.sipStatus() == 408 || n.sipStatus() == 480;
                release(o, n.reason(), silent && o.agents().size() == 1 ? 1 : 0);
                yield null;
            }
        };
    }

    private void answered(Entry e, Offer o, Slot s) {
        locked(() -> {
            long waitMs = Duration.between(e.enqueued, clock.instant()).toMillis();
            e.talking = true;
            s.missedInARow = 0;
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            if (!today.equals(s.callsDay)) {
                s.callsDay = today;
                s.callsToday = 0;
            }
            s.callsToday++;
            move(s, AgentState.ON_CALL, null);
            for (Slot other : o.agents()) {
                if (other != s && other.state == AgentState.RINGING && e.callId.equals(other.callId)) move(other, AgentState.AVAILABLE, "answered_elsewhere");
            }
            emit("answer", e.queue.name(), e.callId, s.username, detail("wait_ms", waitMs, "callback", e.callback, "agent_id", s.id));
            dispatch();
        });
    }

    /** The talk is over: wrap-up for the queue's time (or available at once), and the handle time is remembered. */
    private void afterCall(Entry e, Slot s, Instant answeredAt) {
        locked(() -> {
            Instant now = clock.instant();
            long handleMs = Duration.between(answeredAt, now).toMillis() + e.queue.wrapUp().toMillis();
            done.addLast(new Done(e.queue.name(), now, true, Duration.between(e.enqueued, answeredAt).toMillis(), handleMs));
            if (s.loggedOutByAgent) {
                move(s, AgentState.LOGGED_OUT, "logout");
            } else if (s.state == AgentState.ON_CALL && e.queue.wrapUp().isPositive()) {
                move(s, AgentState.WRAP_UP, null);
                s.until = now.plus(e.queue.wrapUp());
            } else if (s.state == AgentState.ON_CALL) {
                move(s, AgentState.AVAILABLE, null);
            }
            dispatch();
        });
    }

    /** Nobody answered the offer: the agents go back to available (or not-ready after too many misses). */
    private void release(Offer o, String why, int missed) {
        locked(() -> {
            Entry e = o.entry();
            for (Slot s : o.agents()) {
                e.tried.add(s.id);
                if (s.state != AgentState.RINGING || !e.callId.equals(s.callId)) continue;
                s.missedInARow += missed;
                if (missed > 0 && s.missedInARow >= settings.missedOffersLimit()) {
                    log.warn("event=agent_not_ready agent={} reason=missed_offers count={} for_seconds={}", s.username, s.missedInARow, settings.notReadyFor().toSeconds());
                    s.missedInARow = 0;
                    move(s, AgentState.NOT_READY, "missed_offers");
                    s.until = clock.instant().plus(settings.notReadyFor());
                } else {
                    move(s, s.loggedOutByAgent ? AgentState.LOGGED_OUT : AgentState.AVAILABLE, why == null ? "caller_gone" : "offer_failed");
                }
            }
            if (why != null) emit("offer_failed", e.queue.name(), e.callId, null, detail("agents", o.agents().stream().map(s -> s.username).toList(),
                    "agent_ids", o.agents().stream().map(s -> s.id).toList(), "reason", why));
            e.offer = null;
            dispatch();
        });
    }

    private <T> T finish(Entry e, String outcome, T result) {
        locked(() -> {
            if (entries.remove(e.callId) == null) return;
            Instant now = clock.instant();
            long waitMs = Duration.between(e.enqueued, now).toMillis();
            if (outcome.equals("abandoned") || outcome.equals("callback_failed")) {
                done.addLast(new Done(e.queue.name(), now, false, waitMs, 0));
                emit("abandon", e.queue.name(), e.callId, null, detail("wait_ms", waitMs, "callback", e.callback));
                log.info("call={} event=abandoned queue={} wait_ms={}", e.callId, e.queue.name(), waitMs);
            }
            emit("dequeue", e.queue.name(), e.callId, null, detail("outcome", outcome, "wait_ms", waitMs, "callback", e.callback));
            if (e.offer != null) { // the caller left while phones rang: free the agents
                for (Slot s : e.offer.agents()) if (s.state == AgentState.RINGING && e.callId.equals(s.callId)) move(s, AgentState.AVAILABLE, "caller_gone");
                e.offer = null;
            }
            dispatch();
        });
        return result;
    }

    /** True when someone dials callbacks (a route is configured); otherwise callback keys are ignored. */
    public boolean callbacksEnabled() { return callbackHandler != null; }

    /**
     * A caller who already left the queue (max wait passed) accepted a callback: they are put back as a callback
     * with their original arrival time {@code since}, so they keep their place.
     */
    public void requestCallback(String callId, QueueDefinition queue, Caller caller, Instant since) {
        locked(() -> {
            Entry e = new Entry(callId, queue, caller, since, seq++);
            e.callback = true;
            e.callbackNumber = caller.number();
            entries.put(callId, e);
            log.info("call={} event=callback_requested queue={} after=max_wait", callId, queue.name());
            emit("enqueue", queue.name(), callId, null, detail("position", position(e), "tier", caller.tier(), "priority", e.priority(clock.instant(), staffing()), "callback", true));
            emit("callback", queue.name(), callId, null, detail("status", "requested", "number", caller.number()));
            dispatch();
        });
    }

    /** Turns the caller's entry into a callback, keeping their place (arrival time and tier); false if a phone already rings for them. */
    private boolean toCallback(Entry e, String number) {
        return lockedGet(() -> {
            if (e.offer != null || !entries.containsKey(e.callId)) return false;
            e.callback = true;
            e.callbackNumber = number;
            log.info("call={} event=callback_requested queue={} wait_ms={}", e.callId, e.queue.name(), Duration.between(e.enqueued, clock.instant()).toMillis());
            emit("callback", e.queue.name(), e.callId, null, detail("status", "requested", "number", number, "wait_ms", Duration.between(e.enqueued, clock.instant()).toMillis()));
            dispatch();
            return true;
        });
    }

    /** Ends the caller's time in the queue (max wait passed); an offer that arrived meanwhile is withdrawn. */
    private boolean leaveIfIdle(Entry e, String outcome) {
        // Called on the caller's own thread when it is not ringing anyone: an offer not yet taken is withdrawn.
        locked(() -> {
            Offer pending = e.inbox.poll();
            if (pending == null) return;
            for (Slot s : pending.agents()) if (s.state == AgentState.RINGING && e.callId.equals(s.callId)) move(s, AgentState.AVAILABLE, "offer_withdrawn");
            e.offer = null;
        });
        finish(e, outcome, null);
        return true;
    }

    private WaitStatus status(Entry e) {
        return lockedGet(() -> {
            int pos = position(e);
            int staffed = staffed(e.queue);
            Duration est = staffed == 0 ? null : Duration.ofMillis(pos * handleMs(e.queue) / staffed);
            return new WaitStatus(pos, Duration.between(e.enqueued, clock.instant()), est, staffed);
        });
    }

    // --- the decision ---

    /**
     * Offers waiting callers to free agents. Called under the lock after every change; cost is one sort of the
     * waiting callers plus, per caller considered, one pass over the free agents, and it stops when no agent is free.
     */
    private void dispatch() {
        Instant now = clock.instant();
        List<Slot> free = new ArrayList<>();
        for (Slot s : agents.values()) if (s.state == AgentState.AVAILABLE && !s.liveContacts(now).isEmpty()) free.add(s);
        if (free.isEmpty() || entries.isEmpty()) return;
        Staffing staffing = staffing();
        List<Entry> waiting = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.offer == null && !e.talking && !now.isBefore(e.notBefore) && (!e.callback || callbackHandler != null)) waiting.add(e);
        }
        waiting.sort(order(now, staffing));
        for (Entry e : waiting) {
            if (free.isEmpty()) break;
            List<Slot> skilled = new ArrayList<>();
            for (Slot s : free) if (qualifies(s, e.queue, staffing)) skilled.add(s);
            if (skilled.isEmpty()) continue;
            List<Slot> untried = skilled.stream().filter(s -> !e.tried.contains(s.id)).toList();
            if (untried.isEmpty()) { // everyone free was tried for this caller: start a new round next time
                e.tried.clear();
                continue;
            }
            List<Slot> chosen = choose(e.queue, untried, staffing);
            free.removeAll(chosen);
            offer(e, chosen, now);
        }
    }

    private Comparator<Entry> order(Instant now, Staffing staffing) {
        Map<Entry, Integer> prio = new HashMap<>();
        return Comparator.<Entry>comparingInt(e -> -prio.computeIfAbsent(e, x -> x.priority(now, staffing)))
                .thenComparing(e -> e.enqueued).thenComparingLong(e -> e.seq);
    }

    private List<Slot> choose(QueueDefinition q, List<Slot> candidates, Staffing staffing) {
        Comparator<Slot> idle = Comparator.comparing(s -> s.idleSince);
        return switch (q.strategy()) {
            case RING_ALL -> candidates;
            case LONGEST_IDLE -> List.of(candidates.stream().min(idle).orElseThrow());
            case FEWEST_CALLS -> List.of(candidates.stream().min(Comparator.<Slot>comparingInt(s -> callsToday(s)).thenComparing(idle)).orElseThrow());
            case SKILL_LEVEL -> List.of(candidates.stream().min(Comparator.<Slot>comparingInt(s -> -level(s, q, staffing)).thenComparing(idle)).orElseThrow());
        };
    }

    private void offer(Entry e, List<Slot> chosen, Instant now) {
        Map<String, Slot> byContact = new LinkedHashMap<>();
        for (Slot s : chosen) {
            for (String c : s.liveContacts(now)) byContact.putIfAbsent(c, s);
            s.callId = e.callId;
            s.queue = e.queue.name();
            move(s, AgentState.RINGING, e.callback ? "callback" : null);
        }
        Offer o = new Offer(e, List.copyOf(chosen), byContact);
        e.offer = o;
        for (Slot s : chosen) {
            emit("offer", e.queue.name(), e.callId, s.username, detail("agent_id", s.id, "devices", s.liveContacts(now).size(), "wait_ms", Duration.between(e.enqueued, now).toMillis(),
                    "strategy", e.queue.strategy().yamlName(), "callback", e.callback));
        }
        log.info("call={} event=offered queue={} agents={} strategy={}", e.callId, e.queue.name(), chosen.stream().map(s -> s.username).toList(), e.queue.strategy().yamlName());
        if (e.callback) {
            e.attempts++;
            Consumer<CallbackJob> handler = callbackHandler;
            Thread.ofVirtual().name("callback-" + e.callId).start(() -> handler.accept(new Job(e, o)));
        } else {
            e.inbox.offer(o);
        }
    }

    private final class Job implements CallbackJob {
        private final Entry e;
        private final Offer o;

        Job(Entry e, Offer o) {
            this.e = e;
            this.o = o;
        }

        @Override public String callId() { return e.callId; }
        @Override public String number() { return e.callbackNumber; }
        @Override public QueueDefinition queue() { return e.queue; }
        @Override public int attempt() { return e.attempts; }

        @Override
        public AcdOutcome connect(CallControl customer, Hooks hooks) {
            lockedGet(() -> {
                emit("callback", e.queue.name(), e.callId, null, detail("status", "connected", "attempt", e.attempts, "leg", customer.id(), "number", e.callbackNumber));
                return null;
            });
            e.inbox.offer(o);
            return serve(customer, e, hooks, e.queue.maxWait());
        }

        @Override
        public void failed(String reason) {
            release(o, null, 0);
            boolean giveUp = lockedGet(() -> {
                boolean last = e.attempts >= settings.callbackAttempts();
                emit("callback", e.queue.name(), e.callId, null, detail("status", last ? "failed" : "retry", "attempt", e.attempts, "reason", reason, "number", e.callbackNumber));
                if (!last) e.notBefore = clock.instant().plus(settings.callbackRetry());
                return last;
            });
            log.info("call={} event=callback_attempt_failed attempt={} reason={} give_up={}", e.callId, e.attempts, reason, giveUp);
            if (giveUp) finish(e, "callback_failed", null);
        }
    }

    private boolean qualifies(Slot s, QueueDefinition q, Staffing staffing) {
        for (String skill : q.skills()) if (level(s, skill, staffing) < 1) return false;
        return true;
    }

    private int level(Slot s, QueueDefinition q, Staffing staffing) {
        int sum = 0;
        for (String skill : q.skills()) sum += level(s, skill, staffing);
        return sum;
    }

    private int level(Slot s, String skill, Staffing staffing) {
        Map<String, Integer> levels = staffing.agentSkills().get(s.username);
        if (levels != null) return levels.getOrDefault(skill, 0);
        return s.memberOf.contains(skill) ? 1 : 0;
    }

    private Map<String, Integer> skills(Slot s, Staffing staffing) {
        Map<String, Integer> levels = staffing.agentSkills().get(s.username);
        if (levels != null) return levels;
        Map<String, Integer> out = new java.util.TreeMap<>();
        s.memberOf.forEach(q -> out.put(q, 1));
        return out;
    }

    private int callsToday(Slot s) {
        return LocalDate.ofInstant(clock.instant(), zone).equals(s.callsDay) ? s.callsToday : 0;
    }

    /** Position among this queue's callers not yet ringing an agent, in the order they will be offered. */
    private int position(Entry e) {
        Instant now = clock.instant();
        Staffing staffing = staffing();
        int prio = e.priority(now, staffing);
        int ahead = 0;
        for (Entry o : entries.values()) {
            if (o == e || !o.queue.name().equals(e.queue.name()) || o.offer != null || o.talking) continue;
            int p = o.priority(now, staffing);
            if (p > prio || p == prio && (o.enqueued.isBefore(e.enqueued) || o.enqueued.equals(e.enqueued) && o.seq < e.seq)) ahead++;
        }
        return ahead + 1;
    }

    private int staffed(QueueDefinition q) {
        Staffing staffing = staffing();
        int n = 0;
        for (Slot s : agents.values()) {
            if (s.state != AgentState.LOGGED_OUT && s.state != AgentState.NOT_READY && qualifies(s, q, staffing)) n++;
        }
        return n;
    }

    /** Mean handle time (talk + wrap-up) of this queue's calls in the last hour, or the queue's configured guess. */
    private long handleMs(QueueDefinition q) {
        long sum = 0, n = 0;
        for (Done d : done) if (d.answered && d.queue.equals(q.name())) { sum += d.handleMs; n++; }
        return n == 0 ? q.handleTime().toMillis() : sum / n;
    }

    private Staffing staffing() {
        QueueSetup set = flows.get();
        return set == null ? Staffing.DEFAULT : set.staffing();
    }

    private Slot byUsername(String username) {
        for (Slot s : agents.values()) if (s.username.equals(username)) return s;
        return null;
    }

    private void move(Slot s, AgentState to, String reason) {
        AgentState from = s.state;
        Instant now = clock.instant();
        if (to == AgentState.AVAILABLE && from != AgentState.AVAILABLE) s.idleSince = now;
        if (to != AgentState.WRAP_UP && to != AgentState.NOT_READY) s.until = null;
        if (from == to && java.util.Objects.equals(reason, s.reason)) return;
        s.state = to;
        s.reason = reason;
        s.since = now;
        log.info("event=agent_state agent={} from={} to={} reason={} call={}", s.username, from, to, reason == null ? "-" : reason, s.callId == null ? "-" : s.callId);
        emit("agent_state", s.queue, s.callId, s.username, detail("from", from.name(), "to", to.name(), "reason", reason, "agent_id", s.id));
    }

    // --- timers ---

    private void tick() {
        for (long n = 1; !closed; n++) {
            try {
                Thread.sleep(200);
                if (n % 10 == 0) syncRegistrations();
                locked(() -> {
                    Instant now = clock.instant();
                    for (Slot s : agents.values()) {
                        if (s.until != null && !now.isBefore(s.until) && (s.state == AgentState.WRAP_UP || s.state == AgentState.NOT_READY)) {
                            move(s, AgentState.AVAILABLE, s.state == AgentState.WRAP_UP ? "wrap_up_over" : "timeout");
                        }
                        if (s.state == AgentState.AVAILABLE && s.liveContacts(now).isEmpty()) { // expired, or unregistered during a call
                            s.contacts.values().removeIf(exp -> !exp.isAfter(now));
                            move(s, AgentState.LOGGED_OUT, "no_registration");
                        }
                    }
                    while (!done.isEmpty() && done.peekFirst().at().isBefore(now.minus(Duration.ofHours(1)))) done.removeFirst();
                    dispatch();
                });
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("event=acd_tick_failed", e);
            }
        }
    }

    /**
     * Every 2 s the phones' registrations are read back from PostgreSQL, the source of truth: bindings stored by
     * another node or tool, or expired, are seen even without a REGISTER through this node's registrar.
     */
    private void syncRegistrations() {
        Map<Long, Map<String, Instant>> regs;
        try {
            regs = directory.registrations(clock.instant());
        } catch (RuntimeException e) {
            log.warn("event=registration_sync_failed error={}", e.toString());
            return;
        }
        if (regs.keySet().stream().anyMatch(id -> !lockedGet(() -> agents.containsKey(id)))) reloadAgents();
        locked(() -> {
            Instant now = clock.instant();
            for (Slot s : agents.values()) {
                Map<String, Instant> stored = regs.getOrDefault(s.id, Map.of());
                if (stored.equals(s.contacts)) continue;
                s.contacts.clear();
                s.contacts.putAll(stored);
                phonesChanged(s, now);
            }
            dispatch();
        });
    }

    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
    }

    // --- views ---

    public Snapshot snapshot() {
        Map<String, QueueDefinition> defs = new LinkedHashMap<>();
        QueueSetup set = flows.get();
        if (set != null) defs.putAll(set.queues());
        return lockedGet(() -> {
            Instant now = clock.instant();
            Staffing staffing = staffing();
            for (Entry e : entries.values()) defs.putIfAbsent(e.queue.name(), e.queue);
            List<Entry> inLine = entries.values().stream().filter(e -> !e.talking).toList();
            List<QueueView> queues = new ArrayList<>();
            for (QueueDefinition q : defs.values()) {
                List<Entry> mine = new ArrayList<>();
                for (Entry e : inLine) if (e.queue.name().equals(q.name())) mine.add(e);
                mine.sort(Comparator.<Entry, Boolean>comparing(e -> e.offer == null).thenComparing(order(now, staffing)));
                List<WaitingView> waiting = new ArrayList<>();
                int pos = 0;
                long longest = 0;
                for (Entry e : mine) {
                    long waited = Duration.between(e.enqueued, now).toSeconds();
                    longest = Math.max(longest, waited);
                    waiting.add(new WaitingView(e.callId, q.name(), e.offer == null ? ++pos : 0, waited, e.caller.tier(), e.caller.name(), e.callback, e.attempts,
                            e.offer == null ? List.of() : e.offer.agents().stream().map(s -> s.username).toList()));
                }
                Map<AgentState, Integer> byState = new java.util.EnumMap<>(AgentState.class);
                for (AgentState st : AgentState.values()) byState.put(st, 0);
                for (Slot s : agents.values()) if (qualifies(s, q, staffing)) byState.merge(s.state, 1, Integer::sum);
                int answered = 0, abandoned = 0, inTime = 0;
                for (Done d : done) {
                    if (!d.queue.equals(q.name()) || d.at.isBefore(now.minus(Duration.ofHours(1)))) continue;
                    if (d.answered) {
                        answered++;
                        if (d.waitMs <= q.serviceLevel().toMillis()) inTime++;
                    } else {
                        abandoned++;
                    }
                }
                int offered = answered + abandoned;
                var stats = new QueueStats(answered, abandoned, inTime, offered == 0 ? 1.0 : (double) inTime / offered,
                        offered == 0 ? 0.0 : (double) abandoned / offered, handleMs(q) / 1000, longest);
                int staffed = staffed(q);
                Long est = staffed == 0 ? null : (pos + 1) * handleMs(q) / staffed / 1000;
                queues.add(new QueueView(q.name(), waiting, byState, stats, est, q));
            }
            List<AgentView> views = new ArrayList<>();
            for (Slot s : agents.values()) {
                views.add(new AgentView(s.id, s.username, s.name, s.state, s.reason, Duration.between(s.since, now).toSeconds(),
                        s.callId, s.queue, callsToday(s),
                        skills(s, staffing), s.liveContacts(now).size()));
            }
            return new Snapshot(now, queues, views);
        });
    }

    // --- plumbing ---

    private void emit(String type, String queue, String callId, String agent, Map<String, Object> detail) {
        pending.add(new AcdEvent(type, clock.instant(), queue, callId, agent, detail));
    }

    private static Map<String, Object> detail(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private void locked(Runnable r) {
        lockedGet(() -> {
            r.run();
            return null;
        });
    }

    /** Runs under the lock, then hands the events it produced to the listeners in order (not under the lock). */
    private <T> T lockedGet(Supplier<T> r) {
        List<AcdEvent> out;
        T result;
        publishing.lock();
        try {
            lock.lock();
            try {
                result = r.get();
                if (pending.isEmpty()) return result;
                out = new ArrayList<>(pending);
                pending.clear();
            } finally {
                lock.unlock();
            }
            for (AcdEvent ev : out) {
                for (Consumer<AcdEvent> l : listeners) {
                    try {
                        l.accept(ev);
                    } catch (RuntimeException ex) {
                        log.warn("event=acd_listener_failed type={} error={}", ev.type(), ex.toString());
                    }
                }
            }
            return result;
        } finally {
            publishing.unlock();
        }
    }
}
