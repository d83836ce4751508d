package foresight.acd;

import foresight.acd.Acd.AgentState;
import foresight.acd.Acd.AgentView;
import foresight.acd.Acd.QueueView;
import foresight.acd.Acd.Snapshot;
import foresight.acd.Acd.WaitingView;
import foresight.acd.AgentRoster.Slot;
import foresight.acd.QueueBook.Entry;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** AcdViews: draws the read-only picture of queues and agents (wallboard, agent page, API, alerts) from the ACD's parts. */
final class AcdViews {
    private AcdViews() {}

    /** Under the ACD's lock; {@code defs}: the configured queues (queues only callers still wait in are added). */
    static Snapshot snapshot(Instant now, Map<String, QueueDefinition> defs, AgentRoster roster, QueueBook book, QueueStats stats, Staffing staffing) {
        LocalDate today = roster.today();
        for (Entry e : book.all()) defs.putIfAbsent(e.queue.name(), e.queue);
        List<Entry> inLine = book.all().stream().filter(e -> !e.talking).toList();
        List<QueueView> queues = new ArrayList<>();
        for (QueueDefinition q : defs.values()) queues.add(queue(now, q, inLine, roster, stats, staffing));
        List<AgentView> views = new ArrayList<>();
        for (Slot s : roster.all()) {
            views.add(new AgentView(s.id, s.username, s.name, s.state, s.reason, Duration.between(s.since, now).toSeconds(),
                    s.callId, s.queue, s.callsOn(today), staffing.skills(s.username, s.memberOf), s.liveContacts(now).size()));
        }
        return new Snapshot(now, queues, views);
    }

    /** One queue: callers ringing an agent first, then the rest in the order they will be offered. */
    private static QueueView queue(Instant now, QueueDefinition q, List<Entry> inLine, AgentRoster roster, QueueStats stats, Staffing staffing) {
        List<Entry> mine = new ArrayList<>();
        for (Entry e : inLine) if (e.queue.name().equals(q.name())) mine.add(e);
        Comparator<Dispatcher.WaitingCaller> order = Dispatcher.order(now, staffing);
        Map<Entry, Dispatcher.WaitingCaller> asWaiting = new IdentityHashMap<>();
        for (Entry e : mine) asWaiting.put(e, e.asWaiting());
        mine.sort(Comparator.<Entry, Boolean>comparing(e -> e.offer == null).thenComparing(asWaiting::get, order));
        List<WaitingView> waiting = new ArrayList<>();
        int pos = 0;
        long longest = 0;
        for (Entry e : mine) {
            long waited = Duration.between(e.enqueued, now).toSeconds();
            longest = Math.max(longest, waited);
            waiting.add(new WaitingView(e.callId, q.name(), e.offer == null ? ++pos : 0, waited, e.caller.tier(), e.caller.name(), e.callback, e.attempts,
                    e.offer == null ? List.of() : e.offer.agents().stream().map(s -> s.username).toList()));
        }
        Map<AgentState, Integer> byState = new EnumMap<>(AgentState.class);
        for (AgentState st : AgentState.values()) byState.put(st, 0);
        for (Slot s : roster.all()) if (staffing.qualifies(s.username, s.memberOf, q)) byState.merge(s.state, 1, Integer::sum);
        int staffed = roster.staffed(q, staffing);
        Long est = staffed == 0 ? null : (pos + 1) * stats.handleMs(q) / staffed / 1000;
        return new QueueView(q.name(), waiting, byState, stats.lastHour(q, now, longest), est, q);
    }
}
