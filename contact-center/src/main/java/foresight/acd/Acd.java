package foresight.acd;

import foresight.acd.AgentRoster.Slot;
import foresight.acd.QueueBook.Entry;
import foresight.acd.QueueBook.Offer;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Acd: automatic call distribution for all queues of this node — the front door that wires the parts below under
 * one lock and runs each waiting caller's wait.
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
 * <p><b>Cluster mode</b> (a {@link QueueStore} is given: the cluster's PostgreSQL store). What is shared through
 * PostgreSQL: each queue's waiting line (one row per caller, in the order of priority, aging step and the database's
 * clock, whichever node holds the caller), the reservation of an agent for a caller (the store's {@code match}: one
 * short transaction, never two open offers for one agent), and each agent's availability, written on every move of
 * the roster (available; busy while ringing or talking; away in wrap-up, not-ready or logged out), fenced by the
 * node's epoch. A node calls {@code match} for the queues where it has a caller to offer, after every change here and
 * on every NOTIFY ({@link #lineChanged}, {@link #offersArrived}, {@link #resync}); an offer for another node's
 * caller is that node's to ring. What stays on this node: the callers whose media is here (their wait, ringing,
 * bridging, announcements), the roster's state machine and its events, missed-offer counts, callbacks and their
 * dialling, statistics and the {@link #snapshot} (this node's callers and its view of agents). In cluster mode the
 * line picks the longest-idle member agent ({@code agent_queues}) for every queue: the queue's other strategies
 * (ring-all, fewest-calls, skill-level) and skill levels from {@code queues.yml} apply on a single node only. Store
 * calls are short database transactions made under this class's lock, so that the shared rows change in the same
 * order as the roster.
 *
 * <p>The parts, each with one job: {@link AgentRoster} (agents and their state table), {@link QueueBook} (who waits
 * where), {@link Dispatcher} (the pure pairing decision), {@link CallbackScheduler}, {@link QueueStats}. This class
 * wires them: one lock guards all their state; on a single node no I/O happens under it (in cluster mode: the shared
 * line's short transactions, see above); listeners get events after it is released.
 * Time comes from the injected {@link Clock}; timers (expiries, registration sync, waiting callers' wake-ups) run on
 * one {@link ScheduledExecutorService}. A waiting caller's thread sleeps on its own inbox and wakes on an offer or on
 * the timer's tick (every {@link #CALLER_TICK}); it polls only once the ACD is closed and no timer ticks.
 *
 * <p>Why this class is still long (~940 lines): it is the one place that holds the lock over the parts' state, so
 * every step that reads one part and changes another lives here: the caller's wait-and-ring loop (enqueue, wait on
 * the inbox, ring, answered, released, finished), the callback jobs, and cluster mode's dispatch (which of the shared
 * line's matches this node rings, hands back or takes over after a resync). Each of those is a few short methods; the
 * database side of cluster mode is {@link SharedLine}, the decisions {@link Dispatcher}, the views {@link AcdViews}.
 * The public records the pages, flows and API use ({@code Snapshot}, {@code Hooks}, {@code Caller}, ...) are kept
 * here so their callers keep one import.
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
     * @param onWait          asked about four times a second (on each tick) while no phone rings for the caller
     *                        (announcements, callback key); the status is computed only if asked for, since it costs a
     *                        pass over the queue
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

    public record QueueView(String name, List<WaitingView> waiting, Map<AgentState, Integer> agents, QueueStats.LastHour lastHour,
                            Long estimatedWaitSeconds, QueueDefinition definition) {}

    /** An agent now; {@code callId} and {@code queue} are of the call they are on, or of their last call. */
    public record AgentView(long id, String username, String name, AgentState state, String reason, long inStateSeconds,
                            String callId, String queue, int callsToday, Map<String, Integer> skills, int devices) {}

    public record Snapshot(Instant at, List<QueueView> queues, List<AgentView> agents) {}

    // --- state ---

    /** How often a waiting caller's thread wakes to look again (max wait, hang-up, the flow's waiting hook). */
    static final Duration CALLER_TICK = Duration.ofMillis(250);
    /** How often wrap-up and not-ready expiries and expired registrations are checked. */
    static final Duration EXPIRY_TICK = Duration.ofMillis(200);
    /** How often registrations are read back from the directory. */
    static final Duration SYNC_EVERY = Duration.ofSeconds(2);

    private final AgentDirectory directory;
    private final Clock clock;
    private final Settings settings;
    private final Supplier<? extends QueueSetup> flows;
    private final ZoneId zone = ZoneId.systemDefault();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AcdEvent> pending = new ArrayList<>();            // guarded by lock; published after unlock
    private final AgentRoster roster;                                    // guarded by lock
    private final QueueBook book = new QueueBook();                      // guarded by lock
    private final QueueStats stats = new QueueStats();                   // guarded by lock
    private final CallbackScheduler callbacks;
    private final List<Consumer<AcdEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock publishing = new ReentrantLock();       // keeps listeners' order = decision order
    private final ScheduledExecutorService timers;
    private final boolean ownTimers;
    private final List<ScheduledFuture<?>> repeating = new ArrayList<>();
    private final SharedLine line;                                       // null: this node pairs alone (the Dispatcher)
    private final AtomicBoolean wakeQueued = new AtomicBoolean();        // a shared-line wake-up waits on the timers
    private final AtomicBoolean resyncQueued = new AtomicBoolean();
    private volatile boolean closed;

    /** An ACD on the system's timers: one daemon thread of its own, stopped by {@link #close}. */
    public Acd(AgentDirectory directory, Clock clock, Settings settings, Supplier<? extends QueueSetup> flows) {
        this(directory, clock, settings, flows, (QueueStore) null);
    }

    /**
     * An ACD whose waiting lines and agent reservations are {@code line} (see the class comment): the cluster passes its
     * PostgreSQL store; null pairs callers and agents on this node alone, like the other constructors.
     */
    public Acd(AgentDirectory directory, Clock clock, Settings settings, Supplier<? extends QueueSetup> flows, QueueStore line) {
        this(directory, clock, settings, flows, Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("acd-timers").factory()), true, line);
    }

    /**
     * An ACD whose timers run on {@code timers} (tests pass one that runs in virtual time, with {@code clock}).
     * {@link #close} does not shut {@code timers} down.
     */
    public Acd(AgentDirectory directory, Clock clock, Settings settings, Supplier<? extends QueueSetup> flows, ScheduledExecutorService timers) {
        this(directory, clock, settings, flows, timers, false, null);
    }

    private Acd(AgentDirectory directory, Clock clock, Settings settings, Supplier<? extends QueueSetup> flows, ScheduledExecutorService timers, boolean ownTimers,
                QueueStore line) {
        this.line = line == null ? null : new SharedLine(line);
        this.directory = directory;
        this.clock = clock;
        this.settings = settings;
        this.flows = flows;
        this.timers = timers;
        this.ownTimers = ownTimers;
        this.roster = new AgentRoster(clock, zone, pending::add, line == null ? AgentRoster.StateSink.NONE : (id, from, to) -> this.line.availability(id, to));
        this.callbacks = new CallbackScheduler(settings.callbackAttempts(), settings.callbackRetry(), timers);
        reloadAgents();
        if (line != null) warnLocalOnlyRouting();
        repeating.add(timers.scheduleWithFixedDelay(() -> guarded("acd_tick", this::expire), EXPIRY_TICK.toMillis(), EXPIRY_TICK.toMillis(), TimeUnit.MILLISECONDS));
        repeating.add(timers.scheduleWithFixedDelay(() -> guarded("registration_sync", this::syncRegistrations), SYNC_EVERY.toMillis(), SYNC_EVERY.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Cluster mode routes every queue longest-idle among member agents: says so once for queues configured otherwise. */
    private void warnLocalOnlyRouting() {
        QueueSetup set = flows.get();
        if (set == null) return;
        for (QueueDefinition q : set.queues().values()) {
            if (q.strategy() != QueueDefinition.Strategy.LONGEST_IDLE || !q.skills().equals(List.of(q.name()))) {
                log.warn("event=cluster_routing_simplified queue={} strategy={} skills={} cluster_uses=longest-idle,agent_queues", q.name(), q.strategy().yamlName(), q.skills());
            }
        }
        if (!set.staffing().agentSkills().isEmpty()) log.warn("event=cluster_routing_simplified agent_skill_levels=ignored cluster_uses=agent_queues");
    }

    /** Receives every event after the decision was made, in order, on the deciding thread: keep it fast. */
    public void addListener(Consumer<AcdEvent> listener) { listeners.add(listener); }

    /** Who dials customers back when a callback's turn comes (runs on its own virtual thread per job). */
    public void onCallback(Consumer<CallbackJob> handler) { callbacks.dialWith(handler); }

    // --- agents ---

    /** Loads agents added since start (and, the first time, their registrations). */
    public void reloadAgents() {
        List<Agent> all = directory.all();
        Map<Long, Map<String, Instant>> regs = directory.registrations(clock.instant());
        locked(() -> {
            for (Agent a : all) {
                boolean fresh = !roster.contains(a.id());
                Slot s = roster.add(a.id());
                s.username = a.username();
                s.name = a.displayName();
                s.memberOf = a.queues();
                if (fresh) {
                    s.contacts.putAll(regs.getOrDefault(a.id(), Map.of()));
                    if (settings.loginOnRegister() && s.reachable(clock.instant())) roster.move(s, AgentState.AVAILABLE, "registered");
                }
            }
        });
    }

    /** A REGISTER was accepted: {@code expiresAt} in the past removes the binding. */
    public void registered(long agentId, String contact, Instant expiresAt) {
        if (!lockedGet(() -> roster.contains(agentId))) reloadAgents();
        locked(() -> {
            Slot s = roster.get(agentId);
            if (s == null) return;
            Instant now = clock.instant();
            if (expiresAt.isAfter(now)) s.contacts.put(contact, expiresAt);
            else s.contacts.remove(contact);
            roster.phonesChanged(s, now, settings.loginOnRegister());
            dispatch();
        });
    }

    /** The agent logs in (page or feature code): available if a phone is registered, else not ready ("no_phone"). */
    public boolean login(String username) {
        return lockedGet(() -> {
            Slot s = roster.byUsername(username);
            if (s == null) return false;
            s.loggedOutByAgent = false;
            if (s.state == AgentState.LOGGED_OUT || s.state == AgentState.NOT_READY) {
                boolean phone = s.reachable(clock.instant());
                roster.move(s, phone ? AgentState.AVAILABLE : AgentState.NOT_READY, phone ? "login" : "no_phone");
            }
            dispatch();
            return true;
        });
    }

    /** The agent logs out; a call in progress is finished first (the state changes when it ends). */
    public boolean logout(String username) {
        return lockedGet(() -> {
            Slot s = roster.byUsername(username);
            if (s == null) return false;
            s.loggedOutByAgent = true;
            if (s.state == AgentState.AVAILABLE || s.state == AgentState.NOT_READY || s.state == AgentState.WRAP_UP) roster.move(s, AgentState.LOGGED_OUT, "logout");
            return true;
        });
    }

    /** Ready (true) or not ready with a reason code. Ends wrap-up early when ready. */
    public boolean ready(String username, boolean ready, String reason) {
        return lockedGet(() -> {
            Slot s = roster.byUsername(username);
            if (s == null || s.state == AgentState.LOGGED_OUT && ready && !s.reachable(clock.instant())) return false;
            if (ready) {
                s.loggedOutByAgent = false;
                if (s.state != AgentState.RINGING && s.state != AgentState.ON_CALL && s.state != AgentState.AVAILABLE) {
                    s.missedInARow = 0;
                    roster.move(s, AgentState.AVAILABLE, "ready");
                }
            } else if (s.state == AgentState.AVAILABLE || s.state == AgentState.WRAP_UP || s.state == AgentState.LOGGED_OUT) {
                roster.move(s, AgentState.NOT_READY, reason == null || reason.isBlank() ? "not_ready" : reason);
            } else {
                return false; // ringing or on a call: the agent sets not-ready after it
            }
            dispatch();
            return true;
        });
    }

    public AgentState state(long agentId) {
        return lockedGet(() -> {
            Slot s = roster.get(agentId);
            return s == null ? AgentState.LOGGED_OUT : s.state;
        });
    }

    public AgentState state(String username) {
        return lockedGet(() -> {
            Slot s = roster.byUsername(username);
            return s == null ? AgentState.LOGGED_OUT : s.state;
        });
    }

    /** Callers waiting in {@code queue} right now, ringing an agent or not (callbacks included; callers talking to an agent not). */
    public int waiting(String queue) { return lockedGet(() -> book.waiting(queue)); }

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
            Entry e = book.add(callId, queue, caller, clock.instant());
            if (line != null) e.inLine = enterLine(e);
            int position = book.position(e, clock.instant(), staffing());
            log.info("call={} event=queued queue={} position={} tier={}", callId, queue.name(), position, caller.tier());
            pending.add(new AcdEvent.Enqueued(clock.instant(), queue.name(), callId, position, caller.tier(), e.priority(e.enqueued, staffing()), false));
            dispatch();
            return e;
        });
    }

    /** The caller's wait: sleeps on the entry's inbox, woken by an offer or by a tick every {@link #CALLER_TICK}. */
    private AcdOutcome serve(CallControl call, Entry e, Hooks hooks, Duration maxWait) {
        Instant deadline = clock.instant().plus(maxWait);
        e.forgetTicks();
        ScheduledFuture<?> ticks = tickEvery(e);
        try {
            while (true) {
                if (call.isEnded()) return finish(e, "abandoned", new AcdOutcome.Abandoned());
                if (!clock.instant().isBefore(deadline) && leaveIfIdle(e, "timeout")) return new AcdOutcome.TimedOut();
                switch (closed ? e.take(CALLER_TICK) : e.take()) { // closed: no timers tick any more
                    case QueueBook.Tick t -> {
                        if (call.isEnded()) return finish(e, "abandoned", new AcdOutcome.Abandoned());
                        WaitAction action = hooks.onWait().apply(() -> status(e));
                        if (action == WaitAction.CALLBACK && toCallback(e, e.caller.number() != null ? e.caller.number() : call.callerNumber())) return new AcdOutcome.CallbackRequested();
                    }
                    case QueueBook.Offered o -> {
                        AcdOutcome out = ring(call, e, o.offer(), hooks);
                        if (out != null) return out;
                    }
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return finish(e, "abandoned", new AcdOutcome.Abandoned());
        } finally {
            if (ticks != null) ticks.cancel(false);
        }
    }

    /** Ticks the waiting caller every {@link #CALLER_TICK}; null once the ACD is closed (the wait loop then polls). */
    private ScheduledFuture<?> tickEvery(Entry e) {
        if (closed) return null;
        try {
            return timers.scheduleAtFixedRate(e::tick, CALLER_TICK.toMillis(), CALLER_TICK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ex) { // closed meanwhile
            return null;
        }
    }

    /** Who answered an offer, and when. */
    private record Answer(Slot agent, Instant at) {}

    /** Rings the offered agents' phones; returns the outcome, or null when nobody answered and the caller keeps waiting. */
    private AcdOutcome ring(CallControl call, Entry e, Offer o, Hooks hooks) {
        AtomicReference<Answer> answer = new AtomicReference<>();
        BridgeOutcome out;
        try {
            out = call.bridge(new BridgeRequest(List.copyOf(o.byContact().keySet()), e.queue.ringTimeout(), contact -> {
                Slot s = o.byContact().get(contact);
                answer.set(new Answer(s, clock.instant()));
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
                Answer a = answer.get();
                afterCall(e, a.agent(), a.at());
                yield finish(e, "answered", new AcdOutcome.Answered(a.agent().id, a.agent().username, t.endedBy()));
            }
            case BridgeOutcome.Transferred t -> {
                Answer a = answer.get();
                afterCall(e, a.agent(), a.at());
                log.info("call={} event=transferred queue={} agent={} target={}", e.callId, e.queue.name(), a.agent().username, t.target());
                yield finish(e, "transferred", new AcdOutcome.Transferred(a.agent().id, a.agent().username, t.target()));
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
            if (line != null && !line.answered(e.callId, s.id)) {
                // the media is here and the agent talks: the call goes on; the roster's "busy" below keeps them from other offers
                log.warn("call={} event=shared_answer_refused agent={} reason=fenced_or_reclaimed", e.callId, s.username);
            }
            s.missedInARow = 0;
            LocalDate today = roster.today();
            if (!today.equals(s.callsDay)) {
                s.callsDay = today;
                s.callsToday = 0;
            }
            s.callsToday++;
            roster.move(s, AgentState.ON_CALL, null);
            for (Slot other : o.agents()) {
                if (other != s && other.state == AgentState.RINGING && e.callId.equals(other.callId)) roster.move(other, AgentState.AVAILABLE, "answered_elsewhere");
            }
            pending.add(new AcdEvent.Answered(clock.instant(), e.queue.name(), e.callId, s.username, waitMs, e.callback, s.id));
            dispatch();
        });
    }

    /** The talk is over: wrap-up for the queue's time (or available at once), and the handle time is remembered. */
    private void afterCall(Entry e, Slot s, Instant answeredAt) {
        locked(() -> {
            Instant now = clock.instant();
            long handleMs = Duration.between(answeredAt, now).toMillis() + e.queue.wrapUp().toMillis();
            stats.answered(e.queue.name(), now, Duration.between(e.enqueued, answeredAt).toMillis(), handleMs);
            if (s.loggedOutByAgent) {
                roster.move(s, AgentState.LOGGED_OUT, "logout");
            } else if (s.state == AgentState.ON_CALL && e.queue.wrapUp().isPositive()) {
                roster.move(s, AgentState.WRAP_UP, null);
                s.until = now.plus(e.queue.wrapUp());
            } else if (s.state == AgentState.ON_CALL) {
                roster.move(s, AgentState.AVAILABLE, null);
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
                    roster.move(s, AgentState.NOT_READY, "missed_offers");
                    s.until = clock.instant().plus(settings.notReadyFor());
                } else {
                    roster.move(s, s.loggedOutByAgent ? AgentState.LOGGED_OUT : AgentState.AVAILABLE, why == null ? "caller_gone" : "offer_failed");
                }
            }
            if (why != null) pending.add(new AcdEvent.OfferFailed(clock.instant(), e.queue.name(), e.callId, o.agents().stream().map(s -> s.username).toList(),
                    o.agents().stream().map(s -> s.id).toList(), why));
            if (line != null && e.inLine) { // after the roster's moves: an agent set not-ready is "away" before the reservation closes
                for (Slot s : o.agents()) line.offerFailed(e.callId, s.id, why == null ? "caller_gone" : why);
            }
            e.offer = null;
            dispatch();
        });
    }

    private <T> T finish(Entry e, String outcome, T result) {
        locked(() -> {
            if (!book.remove(e)) return;
            Instant now = clock.instant();
            long waitMs = Duration.between(e.enqueued, now).toMillis();
            if (outcome.equals("abandoned") || outcome.equals("callback_failed")) {
                stats.abandoned(e.queue.name(), now, waitMs);
                pending.add(new AcdEvent.Abandoned(now, e.queue.name(), e.callId, waitMs, e.callback));
                log.info("call={} event=abandoned queue={} wait_ms={}", e.callId, e.queue.name(), waitMs);
            }
            pending.add(new AcdEvent.Dequeued(now, e.queue.name(), e.callId, outcome, waitMs, e.callback));
            if (e.offer != null) { // the caller left while phones rang: free the agents
                for (Slot s : e.offer.agents()) if (s.state == AgentState.RINGING && e.callId.equals(s.callId)) roster.move(s, AgentState.AVAILABLE, "caller_gone");
                e.offer = null;
            }
            if (line != null && e.inLine && !line.left(e.callId, outcome)) {
                log.warn("call={} event=shared_leave_refused queue={} outcome={} reason=fenced_or_reclaimed", e.callId, e.queue.name(), outcome);
            }
            e.inLine = false;
            dispatch();
        });
        return result;
    }

    /** True when someone dials callbacks (a route is configured); otherwise callback keys are ignored. */
    public boolean callbacksEnabled() { return callbacks.enabled(); }

    /**
     * A caller who already left the queue (max wait passed) accepted a callback: they are put back as a callback
     * with their original arrival time {@code since}, so they keep their place.
     */
    public void requestCallback(String callId, QueueDefinition queue, Caller caller, Instant since) {
        locked(() -> {
            Entry e = book.add(callId, queue, caller, since);
            e.callback = true;
            e.callbackNumber = caller.number();
            if (line != null) e.inLine = enterLine(e);
            log.info("call={} event=callback_requested queue={} after=max_wait", callId, queue.name());
            Instant now = clock.instant();
            pending.add(new AcdEvent.Enqueued(now, queue.name(), callId, book.position(e, now, staffing()), caller.tier(), e.priority(now, staffing()), true));
            pending.add(new AcdEvent.CallbackRequested(now, queue.name(), callId, caller.number(), null));
            dispatch();
        });
    }

    /** Turns the caller's entry into a callback, keeping their place (arrival time and tier); false if a phone already rings for them. */
    private boolean toCallback(Entry e, String number) {
        return lockedGet(() -> {
            if (e.offer != null || !book.contains(e.callId)) return false;
            e.callback = true;
            e.callbackNumber = number;
            long waitMs = Duration.between(e.enqueued, clock.instant()).toMillis();
            log.info("call={} event=callback_requested queue={} wait_ms={}", e.callId, e.queue.name(), waitMs);
            pending.add(new AcdEvent.CallbackRequested(clock.instant(), e.queue.name(), e.callId, number, waitMs));
            dispatch();
            return true;
        });
    }

    /** Ends the caller's time in the queue (max wait passed); an offer that arrived meanwhile is withdrawn. */
    private boolean leaveIfIdle(Entry e, String outcome) {
        // Called on the caller's own thread when it is not ringing anyone: an offer not yet taken is withdrawn.
        locked(() -> {
            Offer withdrawn = e.withdrawOffer();
            if (withdrawn == null) return;
            for (Slot s : withdrawn.agents()) if (s.state == AgentState.RINGING && e.callId.equals(s.callId)) roster.move(s, AgentState.AVAILABLE, "offer_withdrawn");
            e.offer = null;
        });
        finish(e, outcome, null);
        return true;
    }

    private WaitStatus status(Entry e) {
        List<QueueStore.Waiting> shared = sharedLine(e.queue.name()); // read before the lock: a database query
        return lockedGet(() -> {
            Instant now = clock.instant();
            int pos = shared == null ? book.position(e, now, staffing()) : sharedPosition(shared, e, now);
            int staffed = roster.staffed(e.queue, staffing());
            Duration est = staffed == 0 ? null : Duration.ofMillis(pos * stats.handleMs(e.queue) / staffed);
            return new WaitStatus(pos, Duration.between(e.enqueued, now), est, staffed);
        });
    }

    /** The queue's shared line, or null on a single node or when it cannot be read (the local position is used). */
    private List<QueueStore.Waiting> sharedLine(String queue) { return line == null ? null : line.line(queue); }

    /** Position among the shared line's callers not ringing an agent (aging not applied); the local one if not in it. */
    private int sharedPosition(List<QueueStore.Waiting> shared, Entry e, Instant now) {
        int ahead = 0;
        for (QueueStore.Waiting w : shared) {
            if (w.callId().equals(e.callId)) return ahead + 1;
            if (w.agentId() == null) ahead++;
        }
        return book.position(e, now, staffing());
    }

    // --- the decision ---

    /** Asks the {@link Dispatcher} to pair waiting callers with free agents and carries out its decisions. Under the lock, after every change. */
    private void dispatch() {
        if (book.isEmpty()) return;
        if (line != null) {
            dispatchShared();
            return;
        }
        Instant now = clock.instant();
        LocalDate today = roster.today();
        List<Dispatcher.FreeAgent> free = new ArrayList<>();
        for (Slot s : roster.all()) {
            if (s.state == AgentState.AVAILABLE && s.reachable(now)) free.add(new Dispatcher.FreeAgent(s.id, s.username, s.memberOf, s.idleSince, s.callsOn(today)));
        }
        if (free.isEmpty()) return;
        for (Dispatcher.Decision d : Dispatcher.decide(now, free, book.offerable(now, callbacks.enabled()), staffing())) {
            switch (d) {
                case Dispatcher.Offer o -> offer(book.get(o.callId()), o.agentIds().stream().map(roster::get).toList(), now);
                case Dispatcher.NewRound r -> book.get(r.callId()).tried.clear();
            }
        }
    }

    private void offer(Entry e, List<Slot> chosen, Instant now) {
        Map<String, Slot> byContact = new LinkedHashMap<>();
        for (Slot s : chosen) {
            for (String c : s.liveContacts(now)) byContact.putIfAbsent(c, s);
            s.callId = e.callId;
            s.queue = e.queue.name();
            roster.move(s, AgentState.RINGING, e.callback ? "callback" : null);
        }
        Offer o = new Offer(e, List.copyOf(chosen), byContact);
        e.offer = o;
        for (Slot s : chosen) {
            pending.add(new AcdEvent.Offered(clock.instant(), e.queue.name(), e.callId, s.username, s.id, s.liveContacts(now).size(),
                    Duration.between(e.enqueued, now).toMillis(), e.queue.strategy().yamlName(), e.callback));
        }
        log.info("call={} event=offered queue={} agents={} strategy={}", e.callId, e.queue.name(), chosen.stream().map(s -> s.username).toList(), e.queue.strategy().yamlName());
        if (e.callback) {
            e.attempts++;
            callbacks.dial(new Job(e, o));
        } else {
            e.post(o);
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
            locked(() -> pending.add(new AcdEvent.CallbackConnected(clock.instant(), e.queue.name(), e.callId, e.attempts, customer.id(), e.callbackNumber)));
            e.post(o);
            return serve(customer, e, hooks, e.queue.maxWait());
        }

        @Override
        public void failed(String reason) {
            release(o, null, 0);
            boolean giveUp = lockedGet(() -> {
                boolean last = callbacks.lastAttempt(e.attempts);
                pending.add(new AcdEvent.CallbackNotReached(clock.instant(), e.queue.name(), e.callId, e.attempts, reason, e.callbackNumber, last));
                if (!last) {
                    e.notBefore = callbacks.retryAfter(clock.instant(), () -> locked(Acd.this::dispatch));
                    // shared line: out until the retry (any node could match it meanwhile); back in, at the end, once it is due
                    if (line != null && e.inLine) {
                        line.left(e.callId, "callback_retry");
                        e.inLine = false;
                    }
                }
                return last;
            });
            log.info("call={} event=callback_attempt_failed attempt={} reason={} give_up={}", e.callId, e.attempts, reason, giveUp);
            if (giveUp) finish(e, "callback_failed", null);
        }
    }

    // --- the shared line (cluster mode: a QueueStore was given) ---

    /** Most matches one dispatch makes per queue: enough for a burst, bounded so that one pass never runs long. */
    private static final int MATCHES_PER_PASS = 32;

    /** Puts the entry's row in the shared line; false (retried by the next dispatch) if refused or the database failed. */
    private boolean enterLine(Entry e) { return line.enter(e.queue.name(), e.callId, staffing().priority(e.caller.tier())); }

    /**
     * Cluster mode's dispatch: the shared line picks, for each queue where this node has a caller to offer, the head of
     * the queue's line (every node's callers, in the database's order) and a free member agent; an offer for one of this
     * node's callers is rung here at once, one for another node's caller is that node's to ring (it hears NOTIFY).
     * Entries whose row is missing (refused while fenced, a database failure, a callback retry now due) go in first.
     */
    private void dispatchShared() {
        Instant now = clock.instant();
        Map<String, QueueDefinition> queues = new LinkedHashMap<>();
        for (Entry e : book.all()) {
            if (e.talking || e.offer != null || now.isBefore(e.notBefore) || e.callback && !callbacks.enabled()) continue;
            if (!e.inLine) e.inLine = enterLine(e);
            if (e.inLine) queues.putIfAbsent(e.queue.name(), e.queue);
        }
        for (QueueDefinition q : queues.values()) {
            for (int i = 0; i < MATCHES_PER_PASS; i++) {
                Optional<QueueStore.Offer> m = line.match(q.name(), q.agingStep());
                if (m.isEmpty()) break;
                Entry mine = book.get(m.get().callId());
                if (mine != null) takeOffer(mine, m.get().agentId(), now);
            }
        }
    }

    /**
     * An agent the shared line reserved for one of this node's callers: rings them, or hands the reservation back when
     * this node cannot (no phone registered, or they are on a call through this node).
     */
    private void takeOffer(Entry e, long agentId, Instant now) {
        Slot s = roster.get(agentId);
        String refused = e.offer != null || e.talking ? "caller_busy"
                : s == null ? "unknown_agent"
                : !s.reachable(now) ? "no_phone"
                : s.state == AgentState.RINGING || s.state == AgentState.ON_CALL ? "agent_busy_here" : null;
        if (refused == null) {
            // availability is the shared line's: an agent made available through another node is available here too
            if (s.state != AgentState.AVAILABLE) roster.move(s, AgentState.AVAILABLE, "cluster");
            offer(e, List.of(s), now);
            return;
        }
        log.warn("call={} event=shared_offer_refused queue={} agent_id={} reason={}", e.callId, e.queue.name(), agentId, refused);
        line.offerFailed(e.callId, agentId, refused);
        if (refused.equals("no_phone")) line.availability(agentId, AgentState.LOGGED_OUT);
        if (refused.equals("agent_busy_here")) line.availability(agentId, AgentState.ON_CALL);
        if (refused.equals("unknown_agent")) timers.execute(() -> guarded("agent_reload", this::reloadAgents));
    }

    /** Offers another node made for this node's callers (heard by NOTIFY, or found by a resync): rung here. Under the lock. */
    private void takePendingOffers() {
        Instant now = clock.instant();
        List<QueueStore.Offer> offers = line.pendingOffers();
        if (offers == null) return;
        for (QueueStore.Offer o : offers) {
            Entry e = book.get(o.callId());
            if (e == null) { // the caller is gone from this node: the reservation must not wait for them
                line.left(o.callId(), "abandoned");
            } else if (e.offer == null && !e.talking) {
                takeOffer(e, o.agentId(), now);
            }
        }
    }

    /**
     * After a reconnect, a poll or a rejoin: agents ringing, talking or in wrap-up here are written busy or away again,
     * and this node's waiting callers whose rows the janitor reclaimed (this node was declared dead while paused) go
     * back in (at the end: their old rows stay gone). Under the lock.
     */
    private void checkLines() {
        for (Slot s : roster.all()) { // a reclaim frees agents it finds reserved: those ringing or talking here are not free
            if (s.state == AgentState.RINGING || s.state == AgentState.ON_CALL || s.state == AgentState.WRAP_UP) line.availability(s.id, s.state);
        }
        Map<String, Set<String>> live = new HashMap<>();
        for (Entry e : book.all()) {
            if (!e.inLine || e.talking || e.offer != null) continue;
            Set<String> ids = live.computeIfAbsent(e.queue.name(), q -> {
                List<QueueStore.Waiting> now = sharedLine(q);
                if (now == null) return null; // unreadable: looked at again on the next resync
                Set<String> out = new HashSet<>();
                for (QueueStore.Waiting w : now) out.add(w.callId());
                return out;
            });
            if (ids != null && !ids.contains(e.callId)) {
                log.warn("call={} event=shared_entry_lost queue={} action=enqueue_again", e.callId, e.queue.name());
                e.inLine = false;
            }
        }
    }

    /** Cluster: callers were enqueued or agents freed somewhere; matches soon on the timers thread. Any thread; never blocks. */
    public void lineChanged() { wake(false); }

    /** Cluster: an offer for one of this node's callers may wait (NOTIFY); rings it soon. Any thread; never blocks. */
    public void offersArrived() { wake(false); }

    /** Cluster: notifications may have been missed (start, reconnect, poll, rejoin): rereads offers and lines. Any thread. */
    public void resync() { wake(true); }

    private void wake(boolean resync) {
        if (line == null || closed) return;
        if (resync) resyncQueued.set(true);
        if (!wakeQueued.compareAndSet(false, true)) return; // one wake-up waiting covers every notification until it runs
        try {
            timers.execute(() -> guarded("shared_line_wake", () -> {
                wakeQueued.set(false);
                boolean full = resyncQueued.getAndSet(false);
                locked(() -> {
                    if (full) checkLines();
                    takePendingOffers();
                    dispatch();
                });
            }));
        } catch (RejectedExecutionException ex) {
            wakeQueued.set(false); // closed meanwhile
        }
    }

    private Staffing staffing() {
        QueueSetup set = flows.get();
        return set == null ? Staffing.DEFAULT : set.staffing();
    }

    // --- timers ---

    /** Ends wrap-ups and automatic not-readies that are over, logs out agents whose phones expired, prunes statistics. */
    private void expire() {
        locked(() -> {
            Instant now = clock.instant();
            roster.expire(now);
            stats.prune(now);
            dispatch();
        });
    }

    /** Runs a timer's job; a failure is logged and the timer keeps running. */
    private void guarded(String what, Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            log.error("event={}_failed", what, e);
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
        if (regs.keySet().stream().anyMatch(id -> !lockedGet(() -> roster.contains(id)))) reloadAgents();
        locked(() -> {
            Instant now = clock.instant();
            for (Slot s : roster.all()) {
                Map<String, Instant> stored = regs.getOrDefault(s.id, Map.of());
                if (stored.equals(s.contacts)) continue;
                s.contacts.clear();
                s.contacts.putAll(stored);
                roster.phonesChanged(s, now, settings.loginOnRegister());
            }
            dispatch();
        });
    }

    @Override
    public void close() {
        closed = true;
        repeating.forEach(f -> f.cancel(false));
        if (ownTimers) timers.shutdownNow();
        locked(() -> book.all().forEach(Entry::tick)); // callers still waiting go on without timers (see serve)
    }

    // --- views ---

    /** The queues and agents now, for pages, the API and alerts. */
    public Snapshot snapshot() {
        Map<String, QueueDefinition> defs = new LinkedHashMap<>();
        QueueSetup set = flows.get();
        if (set != null) defs.putAll(set.queues());
        return lockedGet(() -> AcdViews.snapshot(clock.instant(), defs, roster, book, stats, staffing()));
    }

    // --- plumbing ---

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
