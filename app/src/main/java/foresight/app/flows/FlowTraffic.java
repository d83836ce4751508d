package foresight.app.flows;

import foresight.db.call.FlowTrafficRepository.NodeVisit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How callers moved through one flow in a time window, per node: how many callers reached it, where they went
 * next (by the node they reached after it), how many hung up while there, and the median time spent there. Built
 * from the calls' {@code node} events; pure, so it is tested without a database.
 *
 * <p>A visit lasts until the call's next node event, or until the call ended if it was its last node; the last
 * node of a call still live has no duration yet and counts under {@link NodeStats#here()}.
 */
public record FlowTraffic(int calls, Map<String, NodeStats> nodes) {
    /** Dispositions in which the caller, not the flow or an agent, ended the call while at a node. */
    static final Set<String> CALLER_HANG_UPS = Set.of("caller_hung_up", "abandoned_in_queue");

    public FlowTraffic {
        nodes = Map.copyOf(nodes);
    }

    /**
     * One node's traffic. {@code callers}: distinct calls that reached it; {@code visits}: arrivals (a menu repeated
     * counts twice); {@code leftTo}: next node → times; {@code hungUp}: callers who hung up while there;
     * {@code ends}: how calls whose last node this was ended (disposition → calls); {@code here}: live calls there now.
     */
    public record NodeStats(int callers, int visits, Map<String, Integer> leftTo, int hungUp, Map<String, Integer> ends, int here,
                            Duration median) {
        public NodeStats {
            leftTo = Map.copyOf(leftTo);
            ends = Map.copyOf(ends);
        }

        public int leftBy(String next) { return leftTo.getOrDefault(next, 0); }
    }

    public static final NodeStats NONE = new NodeStats(0, 0, Map.of(), 0, Map.of(), 0, null);

    public NodeStats node(String id) { return nodes.getOrDefault(id, NONE); }

    /** The traffic of {@code visits} (as {@code FlowTrafficRepository.visits} returns them: grouped by call, in order). */
    public static FlowTraffic of(List<NodeVisit> visits) {
        Map<String, Acc> acc = new LinkedHashMap<>();
        int calls = 0;
        for (int i = 0; i < visits.size(); ) {
            int j = i;
            String call = visits.get(i).callId();
            while (j < visits.size() && visits.get(j).callId().equals(call)) j++;
            calls++;
            Set<String> reached = new HashSet<>();
            for (int k = i; k < j; k++) {
                NodeVisit v = visits.get(k);
                Acc a = acc.computeIfAbsent(v.node(), n -> new Acc());
                a.visits++;
                if (reached.add(v.node())) a.callers++;
                if (k + 1 < j) {
                    NodeVisit next = visits.get(k + 1);
                    a.leftTo.merge(next.node(), 1, Integer::sum);
                    a.durations.add(Duration.between(v.at(), next.at()).toMillis());
                } else if (v.endedAt() == null) {
                    a.here++;
                } else {
                    String end = v.disposition() == null ? v.status() : v.disposition();
                    a.ends.merge(end == null ? "unknown" : end, 1, Integer::sum);
                    if (end != null && CALLER_HANG_UPS.contains(end)) a.hungUp++;
                    a.durations.add(Math.max(0, Duration.between(v.at(), v.endedAt()).toMillis()));
                }
            }
            i = j;
        }
        Map<String, NodeStats> out = new HashMap<>();
        acc.forEach((node, a) -> out.put(node, new NodeStats(a.callers, a.visits, a.leftTo, a.hungUp, a.ends, a.here, a.median())));
        return new FlowTraffic(calls, out);
    }

    private static final class Acc {
        int callers;
        int visits;
        int hungUp;
        int here;
        final Map<String, Integer> leftTo = new HashMap<>();
        final Map<String, Integer> ends = new HashMap<>();
        final List<Long> durations = new ArrayList<>();

        Duration median() {
            if (durations.isEmpty()) return null;
            List<Long> d = new ArrayList<>(durations);
            d.sort(null);
            int n = d.size();
            long m = n % 2 == 1 ? d.get(n / 2) : (d.get(n / 2 - 1) + d.get(n / 2)) / 2;
            return Duration.ofMillis(m);
        }
    }
}
