package foresight.app.http;

import foresight.app.flows.FlowDiagram;
import foresight.app.flows.FlowTraffic;
import foresight.app.flows.FlowVersions;
import foresight.app.http.auth.Access;
import foresight.app.http.auth.WebAuth;
import foresight.db.audit.UserRepository;
import foresight.db.call.FlowTrafficRepository;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.Step;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operators' flow page, {@code /flows} (operator or admin): every live flow drawn as a diagram
 * ({@link FlowDiagram}, SVG made on the server) with one day's traffic on each node and edge, the nodes where most
 * callers hung up highlighted, a table of the same numbers, and each node's YAML lines ({@code file:line}) shown
 * when it is clicked. Below, the live versions of the operator files; admins get a button per version to roll back
 * to it (the same rollback as {@code POST /api/flows/rollback/V}, audited).
 */
public final class FlowPages {
    static final Access[] READERS = {Access.ADMIN, Access.OPERATOR};

    /** One node's row in the page's table, with its YAML lines. */
    public record NodeRow(String id, String kind, int line, int callers, int hungUp, String median, String leftBy, String ends, boolean hot,
                          String yaml) {}

    /** One flow: its picture and its rows. */
    public record FlowView(String name, String file, int calls, String svg, List<NodeRow> nodes) {}

    /** One live version of the operator files. */
    public record VersionView(String version, String liveAt, String source, boolean current) {}

    private final Supplier<FlowSet> flows;
    private final FlowTrafficRepository traffic;
    private final FlowVersions versions;
    private final UserRepository users;
    private final Templates templates;
    private final WebAuth auth;
    private final Clock clock;
    private final String entryFlow;

    FlowPages(Supplier<FlowSet> flows, FlowTrafficRepository traffic, FlowVersions versions, UserRepository users, Templates templates,
              WebAuth auth, Clock clock, String entryFlow) {
        this.flows = flows;
        this.traffic = traffic;
        this.versions = versions;
        this.users = users;
        this.templates = templates;
        this.auth = auth;
        this.clock = clock;
        this.entryFlow = entryFlow;
    }

    void register(RoutesConfig routes) {
        routes.get("/flows/login", ctx -> templates.render(ctx, "flows/login.jte", "error", null));
        routes.post("/flows/login", this::login);
        routes.post("/flows/logout", ctx -> {
            auth.logout(ctx);
            ctx.redirect("/flows/login");
        }, Access.ANY);
        routes.get("/flows", this::page, READERS);
        routes.post("/flows/rollback/{version}", this::rollback, Access.ADMIN);
    }

    private void login(Context ctx) {
        String token = ctx.formParam("token");
        switch (auth.login(ctx, null, "flows", () -> users.byToken(token))) {
            case WebAuth.Attempt.Locked l -> templates.render(ctx, "flows/login.jte", "error", "Too many failed attempts; try again in " + l.retryAfter().toSeconds() + " s.");
            case WebAuth.Attempt.Failed f -> templates.render(ctx, "flows/login.jte", "error", "That token is not valid.");
            case WebAuth.Attempt.LoggedIn in -> {
                if (Access.of(in.session().role()).filter(a -> List.of(READERS).contains(a)).isEmpty()) {
                    auth.logout(ctx);
                    users.audit(in.session().username(), "denied", "/flows/login");
                    ctx.status(HttpStatus.UNAUTHORIZED);
                    templates.render(ctx, "flows/login.jte", "error", "Your role (" + in.session().role() + ") may not see the flows.");
                } else {
                    ctx.redirect("/flows");
                }
            }
        }
    }

    private void page(Context ctx) {
        WebAuth.Principal me = WebAuth.principal(ctx);
        LocalDate date;
        try {
            String d = ctx.queryParam("date");
            date = d == null || d.isBlank() ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : LocalDate.parse(d.trim());
        } catch (DateTimeParseException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
            templates.message(ctx, "operator", "Bad date", "The day must be written YYYY-MM-DD, for example 2026-12-02.");
            return;
        }
        FlowSet set = flows.get();
        var from = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        var to = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<FlowView> views = new ArrayList<>();
        set.flows().values().stream().sorted(Comparator.comparing((Flow f) -> !f.name().equals(entryFlow)).thenComparing(Flow::name))
                .forEach(f -> views.add(view(f, FlowTraffic.of(traffic.visits(f.name(), from, to)))));
        List<VersionView> list = versions == null ? List.of() : versions.list(20).stream()
                .map(v -> new VersionView(v.version(), v.liveAt().toString(), v.source(), v.version().equals(set.version()))).toList();
        String rolled = ctx.queryParam("rolledBack");
        String message = rolled == null ? null : "Rolled back to " + rolled.replaceAll("[^0-9a-fA-F]", "")
                + ": the folder was rewritten and goes live with the next reload (about a second).";
        templates.render(ctx, "flows/page.jte", "csrf", me.csrf(), "admin", Access.of(me.role()).orElse(null) == Access.ADMIN,
                "date", date.toString(), "live", set.version(), "flows", views, "versions", list, "message", message);
    }

    private void rollback(Context ctx) throws IOException {
        WebAuth.Principal me = WebAuth.principal(ctx);
        String version = ctx.pathParam("version");
        users.audit(me.username(), "flow_rollback", version);
        if (versions == null) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
            templates.message(ctx, "operator", "No versions", "This server does not keep flow versions.");
            return;
        }
        try {
            var v = versions.rollback(version, me.username());
            ctx.redirect("/flows?rolledBack=" + v.version());
        } catch (FlowVersions.UnknownVersionException e) {
            ctx.status(HttpStatus.NOT_FOUND);
            templates.message(ctx, "operator", "Unknown version", e.getMessage());
        }
    }

    static FlowView view(Flow flow, FlowTraffic t) {
        Set<String> hot = FlowDiagram.hot(flow, t);
        Map<String, String> yaml = yamlLines(flow);
        List<NodeRow> rows = flow.steps().values().stream().sorted(Comparator.comparingInt(Step::line)).map(s -> {
            FlowTraffic.NodeStats n = t.node(s.id());
            String left = n.leftTo().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            String ends = n.ends().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            return new NodeRow(s.id(), FlowDiagram.kind(s), s.line(), n.callers(), n.hungUp(), n.median() == null ? "" : FlowDiagram.duration(n.median()),
                    left, ends, hot.contains(s.id()), yaml.getOrDefault(s.id(), ""));
        }).toList();
        return new FlowView(flow.name(), flow.file(), t.calls(), FlowDiagram.svg(flow, t), rows);
    }

    /**
     * Each node's YAML lines, headed {@code file:line}: from its line to the line before the next node's (trailing
     * blank lines left out). Read from the file as it is now; empty if it cannot be read.
     */
    static Map<String, String> yamlLines(Flow flow) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(flow.file()));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        List<Step> steps = flow.steps().values().stream().sorted(Comparator.comparingInt(Step::line)).toList();
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            int first = steps.get(i).line();
            int last = i + 1 < steps.size() ? steps.get(i + 1).line() - 1 : lines.size();
            if (first < 1 || first > lines.size()) continue;
            last = Math.min(last, lines.size());
            while (last > first && lines.get(last - 1).isBlank()) last--;
            StringBuilder b = new StringBuilder(flow.file()).append(':').append(first).append('\n');
            for (int l = first; l <= last; l++) b.append(String.format("%4d  ", l)).append(lines.get(l - 1)).append('\n');
            out.put(steps.get(i).id(), b.toString());
        }
        return out;
    }
}
