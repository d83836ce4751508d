package foresight.app.flows;

import foresight.db.call.FlowTrafficRepository.NodeVisit;
import foresight.flows.load.OperatorFiles;
import foresight.flows.model.Flow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class FlowDiagramTest {
    static Flow hotline;
    static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");

    @BeforeAll
    static void load() throws Exception {
        hotline = OperatorFiles.load(Path.of("../examples/hotline")).flows().get("hotline");
    }

    /** A call that visits {@code nodes} one second apart and ends {@code endAfter} seconds after the last with {@code disposition}. */
    static List<NodeVisit> call(String id, String disposition, int endAfter, String... nodes) {
        List<NodeVisit> v = new ArrayList<>();
        Instant end = disposition == null ? null : T0.plusSeconds(nodes.length - 1 + endAfter);
        for (int i = 0; i < nodes.length; i++) {
            v.add(new NodeVisit(id, nodes[i], T0.plusSeconds(i), disposition == null ? "active" : "completed", disposition, end));
        }
        return v;
    }

    @Test
    void everyNodeOfTheHotlineIsDrawnWithEveryEdgeItsYamlNames() {
        String svg = FlowDiagram.svg(hotline, FlowTraffic.of(List.of()));
        for (String node : hotline.steps().keySet()) assertThat(svg).contains("id='node-" + node + "'");
        assertThat(count(svg, "class='node ")).isEqualTo(hotline.steps().size());
        // predict: found → confirm_prediction, none → ask_reason; confirm's no and unclear both go to ask_reason: one edge, both labels.
        assertThat(svg).contains("data-from='predict' data-to='confirm_prediction'", "data-from='predict' data-to='ask_reason'",
                ">no / unclear</text>", ">press 1</text>", ">reason = refund</text>", ">otherwise</text>");
        assertThat(FlowDiagram.edges(hotline)).filteredOn(e -> e.from().equals("confirm_prediction")).hasSize(2);
    }

    @Test
    void nodesAreLaidOutBelowTheNodesThatLeadToThemWithoutOverlapping() {
        var edges = FlowDiagram.edges(hotline);
        var boxes = FlowDiagram.layout(hotline, edges);
        assertThat(boxes).containsOnlyKeys(hotline.steps().keySet());
        assertThat(boxes.get("greet").layer()).isZero();
        // The hotline has no loop, so every edge goes down at least one layer.
        for (var e : edges) assertThat(boxes.get(e.to()).layer()).as(e.toString()).isGreaterThan(boxes.get(e.from()).layer());
        for (var a : boxes.values()) {
            for (var b : boxes.values()) {
                if (a == b) continue;
                boolean apart = a.x() + FlowDiagram.W <= b.x() || b.x() + FlowDiagram.W <= a.x() || a.y() + FlowDiagram.H <= b.y() || b.y() + FlowDiagram.H <= a.y();
                assertThat(apart).as(a + " overlaps " + b).isTrue();
            }
        }
    }

    @Test
    void aLoopBackToAnEarlierNodeIsDrawnAndDoesNotBreakTheLayers() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("loop");
        OperatorFilesFixture.copyHotline(dir);
        Path flow = dir.resolve("flows/hotline.yml");
        java.nio.file.Files.writeString(flow, java.nio.file.Files.readString(flow).replace("      \"3\": pick_other\n", "      \"3\": greet\n"));
        Flow looped = OperatorFiles.load(dir).flows().get("hotline");
        String svg = FlowDiagram.svg(looped, FlowTraffic.of(List.of()));
        assertThat(svg).contains("data-from='menu' data-to='greet'", ">press 3</text>");
        var boxes = FlowDiagram.layout(looped, FlowDiagram.edges(looped));
        assertThat(boxes.get("greet").layer()).isZero();
        assertThat(boxes.get("menu").layer()).isGreaterThan(boxes.get("ask_reason").layer());
    }

    @Test
    void trafficCountsCallersEdgesHangUpsAndMedianTimePerNode() {
        List<NodeVisit> v = new ArrayList<>();
        v.addAll(call("c1", "caller_hung_up", 4, "greet", "predict", "confirm_prediction"));
        v.addAll(call("c2", "caller_hung_up", 2, "greet", "predict", "confirm_prediction"));
        v.addAll(call("c3", "abandoned_in_queue", 30, "greet", "predict", "ask_reason", "route", "to_general"));
        v.addAll(call("c4", null, 0, "greet", "predict", "ask_reason"));
        v.addAll(call("c5", "flow_hangup", 0, "greet", "predict", "ask_reason", "menu", "menu", "pick_other", "route", "to_general", "sorry", "bye"));
        FlowTraffic t = FlowTraffic.of(v);
        assertThat(t.calls()).isEqualTo(5);
        assertThat(t.node("greet").callers()).isEqualTo(5);
        assertThat(t.node("predict").leftTo()).isEqualTo(Map.of("confirm_prediction", 2, "ask_reason", 3));
        assertThat(t.node("confirm_prediction").hungUp()).isEqualTo(2);
        assertThat(t.node("confirm_prediction").median()).isEqualTo(Duration.ofSeconds(3)); // 4 s and 2 s
        assertThat(t.node("ask_reason").here()).as("c4 is still there").isEqualTo(1);
        assertThat(t.node("to_general").hungUp()).isEqualTo(1);
        assertThat(t.node("menu").callers()).isEqualTo(1);
        assertThat(t.node("menu").visits()).as("the menu played twice to c5").isEqualTo(2);
        assertThat(t.node("bye").ends()).isEqualTo(Map.of("flow_hangup", 1));
        assertThat(t.node("bye").hungUp()).as("the flow hung up, not the caller").isZero();
        assertThat(t.node("pick_refund")).isEqualTo(FlowTraffic.NONE);

        String svg = FlowDiagram.svg(hotline, t);
        assertThat(attr(svg, "confirm_prediction", "data-hangups")).isEqualTo("2");
        assertThat(attr(svg, "greet", "data-callers")).isEqualTo("5");
        assertThat(svg).contains("data-from='predict' data-to='ask_reason' data-count='3'", ">none · 3</text>", "2 callers · 2 hung up · 3.0 s");
        assertThat(FlowDiagram.hot(hotline, t)).containsExactlyInAnyOrder("confirm_prediction", "to_general");
        assertThat(svg).contains("class='node confirm hot'");
    }

    @Test
    void textFromTheFlowIsEscapedInTheSvg() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("esc");
        OperatorFilesFixture.copyHotline(dir);
        Path flow = dir.resolve("flows/hotline.yml");
        java.nio.file.Files.writeString(flow, java.nio.file.Files.readString(flow).replace("Thank you for calling Foresight Bank.", "<script>alert('x')</script> & co"));
        String svg = FlowDiagram.svg(OperatorFiles.load(dir).flows().get("hotline"), FlowTraffic.of(List.of()));
        assertThat(svg).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
    }

    static String attr(String svg, String node, String name) {
        Matcher m = Pattern.compile("id='node-" + node + "'[^>]*" + name + "='([^']*)'").matcher(svg);
        assertThat(m.find()).as(node + " " + name).isTrue();
        return m.group(1);
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
