package foresight.app.flows;

import foresight.flows.model.Flow;
import foresight.flows.model.Step;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A flow drawn as an SVG diagram, laid out on the server from the model: nodes in layers from the start node down
 * (longest path over the flow with its loops set aside), each layer ordered to keep edges short (barycentre
 * sweeps), edges labelled with their conditions and today's count, loops drawn back up on the right. Each node
 * shows its id, what it does and its traffic; the nodes where most callers hung up are marked {@code hot}. No
 * external tool (Graphviz) is needed.
 *
 * <p>Every node is an SVG group {@code <g class="node" id="node-ID" data-node="ID" data-callers=".." data-hangups="..">},
 * every edge {@code <g class="edge" data-from=".." data-to=".." data-count="..">}, so pages and tests can read them.
 */
public final class FlowDiagram {
    static final int W = 200;
    static final int H = 66;
    static final int GAP_X = 40;
    static final int GAP_Y = 74;
    static final int MARGIN = 30;
    static final int HOT_NODES = 3;

    /** An edge of the flow: from a node to the next, with the condition(s) that take it. */
    public record Edge(String from, String to, String label) {}

    /** Where a node is drawn (its top-left corner) and in which layer. */
    record Box(String id, int layer, int x, int y) {
        int cx() { return x + W / 2; }
    }

    private FlowDiagram() {}

    /** The flow's edges, one per (from, to) pair, labels of parallel conditions joined ("no / unclear"). */
    public static List<Edge> edges(Flow flow) {
        Map<String, Map<String, List<String>>> byPair = new LinkedHashMap<>();
        for (Step s : ordered(flow)) {
            for (Exit e : outgoing(s)) {
                if (e.to() == null || !flow.steps().containsKey(e.to())) continue;
                byPair.computeIfAbsent(s.id(), k -> new LinkedHashMap<>()).computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e.condition());
            }
        }
        List<Edge> out = new ArrayList<>();
        byPair.forEach((from, tos) -> tos.forEach((to, labels) ->
                out.add(new Edge(from, to, String.join(" / ", labels.stream().filter(l -> !l.isEmpty()).toList())))));
        return out;
    }

    /** One way out of a node: where to, and on what condition ("" when it always goes on). */
    record Exit(String to, String condition) {}

    /** The ways out of one node, in the order its YAML names them. */
    static List<Exit> outgoing(Step s) {
        List<Exit> e = new ArrayList<>();
        switch (s) {
            case Step.Say x -> e.add(new Exit(x.next(), ""));
            case Step.PredictIssue x -> {
                e.add(new Exit(x.found(), "found"));
                e.add(new Exit(x.none(), "none"));
            }
            case Step.Confirm x -> {
                e.add(new Exit(x.yes(), "yes"));
                e.add(new Exit(x.no(), "no"));
                e.add(new Exit(x.unclear(), "unclear"));
            }
            case Step.Ask x -> {
                e.add(new Exit(x.matched(), "matched"));
                e.add(new Exit(x.nomatch(), "no match"));
            }
            case Step.Menu x -> {
                x.options().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(o -> e.add(new Exit(o.getValue(), "press " + o.getKey())));
                e.add(new Exit(x.fallback(), "fallback"));
            }
            case Step.SetVars x -> e.add(new Exit(x.next(), ""));
            case Step.Switch x -> {
                x.cases().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(c -> e.add(new Exit(c.getValue(), x.variable() + " = " + c.getKey())));
                e.add(new Exit(x.otherwise(), "otherwise"));
            }
            case Step.Queue x -> e.add(new Exit(x.next(), "no agent in time"));
            case Step.Record x -> e.add(new Exit(x.next(), ""));
            case Step.Transfer x -> e.add(new Exit(x.next(), "not answered"));
            case Step.Hangup x -> { }
        }
        return e;
    }

    /** What a node does, in a few words. */
    public static String kind(Step s) {
        return switch (s) {
            case Step.Say x -> "say";
            case Step.PredictIssue x -> "predict issue ≥ " + trim(x.minConfidence());
            case Step.Confirm x -> "confirm (yes / no)";
            case Step.Ask x -> "ask (open question)";
            case Step.Menu x -> "menu (" + x.options().size() + " keys)";
            case Step.SetVars x -> "set " + String.join(", ", x.values().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(v -> v.getKey() + "=" + v.getValue()).toList());
            case Step.Switch x -> "switch on " + x.variable();
            case Step.Queue x -> "queue " + x.queue();
            case Step.Hangup x -> "hang up";
            case Step.Transfer x -> "transfer to " + x.to();
            case Step.Record x -> x.pause() ? "pause recording" : "resume recording";
        };
    }

    /** The sentence a node speaks, if it speaks one (for the node's tooltip). */
    static String text(Step s) {
        return switch (s) {
            case Step.Say x -> x.text();
            case Step.Confirm x -> x.text();
            case Step.Ask x -> x.text();
            case Step.Menu x -> x.text();
            default -> null;
        };
    }

    private static String trim(double d) {
        String s = String.format(Locale.ROOT, "%.2f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static List<Step> ordered(Flow flow) {
        return flow.steps().values().stream().sorted(Comparator.comparingInt(Step::line).thenComparing(Step::id)).toList();
    }

    /** Node positions: longest-path layers over the flow without its back edges, barycentre-ordered within layers. */
    static Map<String, Box> layout(Flow flow, List<Edge> edges) { return plan(flow, edges).boxes(); }

    /**
     * The whole drawing plan: real nodes' boxes, and for every edge that skips layers the x positions where it
     * crosses each layer in between (a lane of its own, ordered with the nodes, so it never runs through a box).
     */
    record Plan(Map<String, Box> boxes, Map<Edge, List<Integer>> lanes, Set<Edge> back, int width) {}

    static Plan plan(Flow flow, List<Edge> edges) {
        Map<String, List<String>> succ = new LinkedHashMap<>();
        for (Step s : ordered(flow)) succ.put(s.id(), new ArrayList<>());
        for (Edge e : edges) succ.get(e.from()).add(e.to());
        Set<Edge> back = backEdges(flow, edges, succ);
        // Longest-path layering over the acyclic rest, in a topological order (start node first).
        List<String> topo = topological(flow, edges, back);
        Map<String, Integer> layer = new HashMap<>();
        for (String n : topo) layer.putIfAbsent(n, 0);
        for (String n : topo) {
            for (Edge e : edges) {
                if (!e.from().equals(n) || back.contains(e)) continue;
                layer.merge(e.to(), layer.get(n) + 1, Math::max);
            }
        }
        int layers = layer.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < layers; i++) rows.add(new ArrayList<>());
        for (String n : topo) rows.get(layer.get(n)).add(n);
        // Long edges get a virtual node ("lane") in every layer they cross; segments join adjacent layers only.
        List<Segment> segments = new ArrayList<>();
        Map<Edge, List<String>> chains = new LinkedHashMap<>();
        int v = 0;
        for (Edge e : edges) {
            if (back.contains(e)) continue;
            String prev = e.from();
            List<String> chain = new ArrayList<>();
            for (int l = layer.get(e.from()) + 1; l < layer.get(e.to()); l++) {
                String lane = "~" + (v++);
                rows.get(l).add(lane);
                layer.put(lane, l);
                chain.add(lane);
                segments.add(new Segment(prev, lane));
                prev = lane;
            }
            segments.add(new Segment(prev, e.to()));
            chains.put(e, chain);
        }
        // Barycentre sweeps, down then up: each item under (or over) the mean position of its neighbours.
        Map<String, Double> pos = new HashMap<>();
        for (List<String> row : rows) for (int i = 0; i < row.size(); i++) pos.put(row.get(i), (double) i);
        for (int sweep = 0; sweep < 6; sweep++) {
            boolean down = sweep % 2 == 0;
            for (int k = 1; k < rows.size(); k++) {
                int l = down ? k : rows.size() - 1 - k;
                int other = down ? l - 1 : l + 1;
                List<String> row = rows.get(l);
                Map<String, Double> bary = new HashMap<>();
                for (String n : row) {
                    double sum = 0;
                    int cnt = 0;
                    for (Segment seg : segments) {
                        String nb = seg.lower().equals(n) ? seg.upper() : seg.upper().equals(n) ? seg.lower() : null;
                        if (nb != null && layer.get(nb) == other) {
                            sum += centre(rows, other, pos.get(nb));
                            cnt++;
                        }
                    }
                    bary.put(n, cnt == 0 ? centre(rows, l, pos.get(n)) : sum / cnt);
                }
                List<String> sorted = new ArrayList<>(row);
                sorted.sort(Comparator.comparingDouble(bary::get));
                row.clear();
                row.addAll(sorted);
                for (int i = 0; i < row.size(); i++) pos.put(row.get(i), (double) i);
            }
        }
        int canvas = rows.stream().mapToInt(FlowDiagram::rowWidth).max().orElse(W);
        Map<String, Box> boxes = new LinkedHashMap<>();
        Map<String, Integer> laneX = new HashMap<>();
        for (int l = 0; l < rows.size(); l++) {
            List<String> row = rows.get(l);
            int x = MARGIN + (canvas - rowWidth(row)) / 2;
            for (String n : row) {
                if (n.startsWith("~")) {
                    laneX.put(n, x + LANE / 2);
                    x += LANE + GAP_X / 2;
                } else {
                    boxes.put(n, new Box(n, l, x, MARGIN + l * (H + GAP_Y)));
                    x += W + GAP_X;
                }
            }
        }
        Map<Edge, List<Integer>> lanes = new LinkedHashMap<>();
        chains.forEach((e, chain) -> lanes.put(e, chain.stream().map(laneX::get).toList()));
        return new Plan(boxes, lanes, back, canvas + 2 * MARGIN);
    }

    static final int LANE = 16;

    /** A piece of an edge between two adjacent layers (real nodes or lanes). */
    private record Segment(String upper, String lower) {}

    /** A depth-first search frame: a node and the index of the next of its edges to follow. */
    private static final class Frame {
        final String node;
        int next;

        Frame(String node) { this.node = node; }
    }

    private static int rowWidth(List<String> row) {
        int w = 0;
        for (String n : row) w += n.startsWith("~") ? LANE + GAP_X / 2 : W + GAP_X;
        return Math.max(0, w - GAP_X);
    }

    /** A node's horizontal centre in units of slots, with its row centred (so rows of different widths compare). */
    private static double centre(List<List<String>> rows, int layer, double index) {
        int widest = rows.stream().mapToInt(List::size).max().orElse(1);
        return index + (widest - rows.get(layer).size()) / 2.0;
    }

    /** Edges that close a loop (to a node still on the depth-first path), found from the start node first. */
    private static Set<Edge> backEdges(Flow flow, List<Edge> edges, Map<String, List<String>> succ) {
        Set<Edge> back = new HashSet<>();
        Set<String> done = new HashSet<>();
        Set<String> onPath = new HashSet<>();
        List<String> roots = new ArrayList<>();
        roots.add(flow.start());
        succ.keySet().forEach(roots::add);
        for (String root : roots) {
            if (done.contains(root) || !succ.containsKey(root)) continue;
            Deque<Frame> stack = new ArrayDeque<>();
            stack.push(new Frame(root));
            onPath.add(root);
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                String n = f.node;
                List<Edge> out = edges.stream().filter(e -> e.from().equals(n)).toList();
                int i = f.next;
                if (i >= out.size()) {
                    stack.pop();
                    onPath.remove(n);
                    done.add(n);
                    continue;
                }
                f.next = i + 1;
                Edge e = out.get(i);
                if (onPath.contains(e.to())) back.add(e);
                else if (!done.contains(e.to())) {
                    onPath.add(e.to());
                    stack.push(new Frame(e.to()));
                }
            }
        }
        return back;
    }

    /** Nodes in an order where every forward edge goes from earlier to later (Kahn's algorithm, start node first). */
    private static List<String> topological(Flow flow, List<Edge> edges, Set<Edge> back) {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        List<Step> steps = ordered(flow);
        for (Step s : steps) indegree.put(s.id(), 0);
        for (Edge e : edges) if (!back.contains(e)) indegree.merge(e.to(), 1, Integer::sum);
        List<String> out = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        if (indegree.getOrDefault(flow.start(), 1) == 0) ready.add(flow.start());
        for (Step s : steps) if (indegree.get(s.id()) == 0 && !s.id().equals(flow.start())) ready.add(s.id());
        while (!ready.isEmpty()) {
            String n = ready.poll();
            out.add(n);
            for (Edge e : edges) {
                if (!e.from().equals(n) || back.contains(e)) continue;
                if (indegree.merge(e.to(), -1, Integer::sum) == 0) ready.add(e.to());
            }
        }
        for (Step s : steps) if (!out.contains(s.id())) out.add(s.id()); // cannot happen without cycles; kept for safety
        return out;
    }

    /** The nodes most callers hung up at (at most three, only nodes where someone did). */
    public static Set<String> hot(Flow flow, FlowTraffic traffic) {
        Set<String> hot = new HashSet<>();
        flow.steps().keySet().stream().filter(n -> traffic.node(n).hungUp() > 0)
                .sorted(Comparator.comparingInt((String n) -> -traffic.node(n).hungUp()).thenComparing(n -> n))
                .limit(HOT_NODES).forEach(hot::add);
        return hot;
    }

    /** The flow as an SVG document fragment ({@code <svg>...</svg>}), annotated with {@code traffic}. */
    public static String svg(Flow flow, FlowTraffic traffic) {
        List<Edge> edges = edges(flow);
        Plan plan = plan(flow, edges);
        Map<String, Box> boxes = plan.boxes();
        Set<String> hot = hot(flow, traffic);
        int width = plan.width() + 110; // room on the right for loops drawn back up
        int height = boxes.values().stream().mapToInt(b -> b.y() + H).max().orElse(H) + MARGIN;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' class='flow-diagram' data-flow='").append(esc(flow.name()))
                .append("' width='").append(width).append("' height='").append(height).append("' viewBox='0 0 ").append(width).append(' ').append(height)
                .append("' role='img' aria-label='flow ").append(esc(flow.name())).append("'>");
        svg.append("<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
                + "<path d='M0,0 L10,5 L0,10 z' fill='#667'/></marker></defs>");
        int loop = 0;
        for (Edge e : edges) {
            Box a = boxes.get(e.from());
            Box b = boxes.get(e.to());
            int count = traffic.node(e.from()).leftBy(e.to());
            String label = e.label().isEmpty() ? (count > 0 ? String.valueOf(count) : "") : e.label() + (count > 0 ? " · " + count : "");
            String path;
            double lx;
            double ly;
            if (!plan.back().contains(e)) {
                // Down through the lane this edge has in every layer it crosses, then into the target's top.
                List<Integer> lanes = plan.lanes().getOrDefault(e, List.of());
                StringBuilder p = new StringBuilder();
                int x = a.cx();
                int y = a.y() + H;
                p.append('M').append(x).append(',').append(y);
                double[] first = null; // the first stretch: x0, y0, x1, y1
                for (int i = 0; i <= lanes.size(); i++) {
                    int nx = i < lanes.size() ? lanes.get(i) : b.cx();
                    int ny = a.y() + (i + 1) * (H + GAP_Y);
                    int bend = GAP_Y / 2;
                    p.append(" C").append(x).append(',').append(y + bend).append(' ').append(nx).append(',').append(ny - bend).append(' ').append(nx).append(',').append(ny);
                    if (first == null) first = new double[] {x, y, nx, ny};
                    if (i < lanes.size()) p.append(" L").append(nx).append(',').append(ny + H);
                    x = nx;
                    y = ny + H;
                }
                path = p.toString();
                // The label on the first stretch, halfway down, where it has left the fan of its siblings.
                lx = first[0] + (first[2] - first[0]) * 0.5;
                ly = first[1] + (first[3] - first[1]) * 0.5;
            } else {
                // A loop or same-layer edge: out of the source's right side, round on the right, into the target's right side.
                loop++;
                int sx = a.x() + W;
                int sy = a.y() + H / 2;
                int tx = b.x() + W;
                int ty = b.y() + H / 2 + (a == b ? 14 : 0);
                int out = 40 + 14 * (loop % 4);
                path = "M" + sx + "," + sy + " C" + (sx + out) + "," + sy + " " + (tx + out) + "," + ty + " " + tx + "," + ty;
                lx = Math.max(sx, tx) + out * 0.75;
                ly = (sy + ty) / 2.0;
            }
            svg.append("<g class='edge").append(count > 0 ? " used" : "").append("' data-from='").append(esc(e.from())).append("' data-to='")
                    .append(esc(e.to())).append("' data-count='").append(count).append("'><path d='").append(path)
                    .append("' fill='none' stroke='#667' stroke-width='").append(count > 0 ? "2" : "1").append("' marker-end='url(#arrow)'/>");
            if (!label.isEmpty()) {
                svg.append("<text x='").append(fmt(lx)).append("' y='").append(fmt(ly + 4)).append("' class='edge-label'>").append(esc(label)).append("</text>");
            }
            svg.append("</g>");
        }
        for (Box box : boxes.values()) {
            Step s = flow.step(box.id());
            FlowTraffic.NodeStats t = traffic.node(box.id());
            String cls = "node " + s.getClass().getSimpleName().toLowerCase(Locale.ROOT) + (hot.contains(box.id()) ? " hot" : "")
                    + (box.id().equals(flow.start()) ? " start" : "");
            svg.append("<g class='").append(cls).append("' id='node-").append(esc(box.id())).append("' data-node='").append(esc(box.id()))
                    .append("' data-line='").append(s.line()).append("' data-callers='").append(t.callers()).append("' data-hangups='")
                    .append(t.hungUp()).append("' tabindex='0'>");
            String tip = text(s);
            svg.append("<title>").append(esc(box.id() + " — " + kind(s) + (tip == null ? "" : ": “" + tip + "”") + " (line " + s.line() + ")")).append("</title>");
            svg.append("<rect x='").append(box.x()).append("' y='").append(box.y()).append("' width='").append(W).append("' height='").append(H)
                    .append("' rx='8'/>");
            svg.append("<text x='").append(box.cx()).append("' y='").append(box.y() + 18).append("' class='node-id'>").append(esc(box.id())).append("</text>");
            svg.append("<text x='").append(box.cx()).append("' y='").append(box.y() + 36).append("' class='node-kind'>").append(esc(shorten(kind(s), 30))).append("</text>");
            svg.append("<text x='").append(box.cx()).append("' y='").append(box.y() + 54).append("' class='node-traffic'>").append(esc(summary(t))).append("</text>");
            svg.append("</g>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** "12 callers · 3 hung up · 4.2 s" */
    public static String summary(FlowTraffic.NodeStats t) {
        StringBuilder b = new StringBuilder().append(t.callers()).append(t.callers() == 1 ? " caller" : " callers");
        if (t.hungUp() > 0) b.append(" · ").append(t.hungUp()).append(" hung up");
        if (t.median() != null) b.append(" · ").append(duration(t.median()));
        return b.toString();
    }

    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }

    private static String shorten(String s, int max) { return s.length() <= max ? s : s.substring(0, max - 1) + "…"; }

    private static String fmt(double d) { return String.format(Locale.ROOT, "%.1f", d); }

    /** Escapes text for SVG/XML content and single- or double-quoted attributes. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\'' -> b.append("&#39;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
