package foresight.app.contact;

import com.fasterxml.jackson.databind.ObjectMapper;
import foresight.acd.Acd;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the queues once a second and raises alerts a supervisor must see: a caller waiting longer than the
 * queue's {@code alert_wait_seconds} ({@code long_wait}), the last hour's service level under the queue's
 * {@code service_level_goal} ({@code service_level}), callers waiting with no agent available ({@code no_agent}).
 * A raised or cleared alert is logged, published to the event stream (wallboards), kept as a 0/1 gauge
 * {@code foresight_queue_alert{queue,kind}} for Prometheus alerting, and POSTed as JSON to the configured webhook.
 * Queue gauges ({@code foresight_queue_waiting}, {@code foresight_queue_longest_wait_seconds}) and agents per state
 * ({@code foresight_agents{state}}) are kept up to date here too.
 */
public final class AlertMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);

    /** An alert in force. */
    public record Alert(String queue, String kind, String message, Instant since) {}

    private final Acd acd;
    private final EventHub hub;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final URI webhook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> alertGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> queueGauges = new ConcurrentHashMap<>();
    private final Map<Acd.AgentState, AtomicInteger> agentGauges = new ConcurrentHashMap<>();
    private volatile java.util.concurrent.ScheduledFuture<?> schedule;
    private volatile boolean closed;

    public AlertMonitor(Acd acd, EventHub hub, MeterRegistry metrics, Clock clock, String webhookUrl) {
        this.acd = acd;
        this.hub = hub;
        this.metrics = metrics;
        this.clock = clock;
        this.webhook = webhookUrl == null || webhookUrl.isBlank() ? null : URI.create(webhookUrl);
        for (Acd.AgentState st : Acd.AgentState.values()) {
            AtomicInteger g = new AtomicInteger();
            agentGauges.put(st, g);
            Gauge.builder("foresight_agents", g, AtomicInteger::get).tags(Tags.of("state", st.name().toLowerCase())).description("agents in each state").register(metrics);
        }
    }

    /** Checks every queue once a second on the server's {@code timers}. */
    public AlertMonitor start(java.util.concurrent.ScheduledExecutorService timers) {
        schedule = timers.scheduleWithFixedDelay(this::checkLogged, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
        return this;
    }

    /** Alerts in force now, oldest first. */
    public List<Alert> active() {
        List<Alert> out = new ArrayList<>(active.values());
        out.sort(java.util.Comparator.comparing(Alert::since));
        return out;
    }

    private void checkLogged() {
        if (closed) return;
        try {
            check();
        } catch (RuntimeException e) { // an exception would cancel the schedule: log it and check again in a second
            log.error("event=alert_check_failed", e);
        }
    }

    /** One look at every queue; raises and clears alerts. */
    public void check() {
        Acd.Snapshot snap = acd.snapshot();
        Map<Acd.AgentState, Integer> byState = new java.util.EnumMap<>(Acd.AgentState.class);
        for (var a : snap.agents()) byState.merge(a.state(), 1, Integer::sum);
        agentGauges.forEach((st, g) -> g.set(byState.getOrDefault(st, 0)));
        Map<String, String> now = new LinkedHashMap<>();
        for (Acd.QueueView q : snap.queues()) {
            var waiting = q.waiting().stream().filter(w -> !w.callback()).toList();
            long longest = waiting.stream().mapToLong(Acd.WaitingView::waitSeconds).max().orElse(0);
            gauge("foresight_queue_waiting", q.name()).set(q.waiting().size());
            gauge("foresight_queue_longest_wait_seconds", q.name()).set(longest);
            var def = q.definition();
            if (longest > def.alertWait().toSeconds()) {
                now.put(q.name() + "/long_wait", "a caller has waited " + longest + " s (alert at " + def.alertWait().toSeconds() + " s)");
            }
            var st = q.lastHour();
            if (st.answered() + st.abandoned() > 0 && st.serviceLevel() < def.serviceGoal()) {
                now.put(q.name() + "/service_level", String.format("service level %.0f%% in the last hour (goal %.0f%% within %d s)",
                        st.serviceLevel() * 100, def.serviceGoal() * 100, def.serviceLevel().toSeconds()));
            }
            if (!waiting.isEmpty() && q.agents().getOrDefault(Acd.AgentState.AVAILABLE, 0) == 0) {
                int staffed = q.agents().get(Acd.AgentState.RINGING) + q.agents().get(Acd.AgentState.ON_CALL) + q.agents().get(Acd.AgentState.WRAP_UP);
                now.put(q.name() + "/no_agent", waiting.size() + " waiting and no agent available (" + staffed + " busy)");
            }
        }
        Instant at = clock.instant();
        now.forEach((key, message) -> {
            if (active.containsKey(key)) return;
            String[] qk = key.split("/", 2);
            Alert a = new Alert(qk[0], qk[1], message, at);
            active.put(key, a);
            alertGauge(qk[0], qk[1]).set(1);
            log.warn("event=alert_raised queue={} kind={} message=\"{}\"", a.queue(), a.kind(), message);
            send("alert_raised", a);
        });
        for (String key : List.copyOf(active.keySet())) {
            if (now.containsKey(key)) continue;
            Alert a = active.remove(key);
            alertGauge(a.queue(), a.kind()).set(0);
            log.info("event=alert_cleared queue={} kind={} lasted_s={}", a.queue(), a.kind(), Duration.between(a.since(), at).toSeconds());
            send("alert_cleared", a);
        }
    }

    private void send(String type, Alert a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("queue", a.queue());
        body.put("kind", a.kind());
        body.put("message", a.message());
        body.put("since", a.since().toString());
        hub.publish(new EventHub.Event(type, clock.millis(), body));
        if (webhook == null) return;
        try {
            var req = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) log.warn("event=alert_webhook_failed url={} error={}", webhook, e.toString());
                else if (r.statusCode() >= 300) log.warn("event=alert_webhook_failed url={} status={}", webhook, r.statusCode());
            });
        } catch (Exception e) {
            log.warn("event=alert_webhook_failed url={} error={}", webhook, e.toString());
        }
    }

    private AtomicLong gauge(String name, String queue) {
        return queueGauges.computeIfAbsent(name + "/" + queue, k -> {
            AtomicLong g = new AtomicLong();
            Gauge.builder(name, g, AtomicLong::get).tags(Tags.of("queue", queue)).register(metrics);
            return g;
        });
    }

    private AtomicInteger alertGauge(String queue, String kind) {
        return alertGauges.computeIfAbsent(queue + "/" + kind, k -> {
            AtomicInteger g = new AtomicInteger();
            Gauge.builder("foresight_queue_alert", g, AtomicInteger::get).tags(Tags.of("queue", queue, "kind", kind))
                    .description("1 while the alert is raised").register(metrics);
            return g;
        });
    }

    @Override
    public void close() {
        closed = true;
        var s = schedule;
        if (s != null) s.cancel(false);
    }
}
