package foresight.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import foresight.app.contact.EventHub;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Server-sent event streams of the {@link EventHub} (the queue API's {@code /api/events}, and the agent page's and
 * wallboard's live parts, whose htmx SSE extension listens to them): one virtual thread per open stream pumps its
 * subscription into it.
 */
final class EventStreams {
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private final EventHub hub;
    private final ObjectMapper json;

    EventStreams(EventHub hub, ObjectMapper json) {
        this.hub = hub;
        this.json = json;
    }

    /**
     * A server-sent event stream of the hub's events that pass {@code filter}: named events ({@code event: answer})
     * whose data is JSON; a comment every 15 s keeps proxies from closing it.
     */
    void stream(Context ctx, Predicate<EventHub.Event> filter) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            ctx.status(HttpStatus.NOT_ACCEPTABLE).json(Map.of("error", "this is a server-sent event stream: send Accept: text/event-stream (browsers' EventSource does)"));
            return;
        }
        new SseHandler(client -> {
            client.keepAlive();
            EventHub.Subscription sub = hub.subscribe(filter);
            client.onClose(sub::close);
            Thread.ofVirtual().name("sse").start(() -> pump(client, sub));
        }).handle(ctx);
    }

    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();

    /** Ends every open event stream (server shutdown), so no request outlives the HTTP server. */
    void closeAll() {
        for (SseClient c : streams) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.debug("event=sse_close_failed error={}", e.toString());
            }
        }
    }

    private void pump(SseClient client, EventHub.Subscription sub) {
        streams.add(client);
        try (sub) {
            client.sendComment("connected");
            while (!client.terminated()) {
                EventHub.Event e = sub.next(15_000);
                if (e == null) {
                    client.sendComment("ping");
                    continue;
                }
                long lost = sub.takeDropped();
                if (lost > 0) client.sendEvent("lost", "{\"events\":" + lost + "}");
                client.sendEvent(e.type(), json.writeValueAsString(e.data()));
            }
        } catch (Exception e) {
            log.debug("event=sse_closed error={}", e.toString());
        } finally {
            streams.remove(client);
            try {
                client.close();
            } catch (RuntimeException e) {
                log.debug("event=sse_close_failed error={}", e.toString());
            }
        }
    }
}
