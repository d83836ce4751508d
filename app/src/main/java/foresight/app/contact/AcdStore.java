package foresight.app.contact;

import foresight.acd.AcdEvent;
import foresight.db.acd.AcdRepository;
import foresight.db.agent.AgentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes what the ACD decides to PostgreSQL (queue entries, offers, callbacks, agent states), in decision order,
 * on one thread of its own so the ACD never waits for the database. A failed write is logged and skipped.
 */
public final class AcdStore implements Consumer<AcdEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AcdStore.class);
    private final AcdRepository acd;
    private final AgentRepository agents;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("acd-store").unstarted(r));

    public AcdStore(AcdRepository acd, AgentRepository agents) {
        this.acd = acd;
        this.agents = agents;
    }

    @Override
    public void accept(AcdEvent e) {
        writer.execute(() -> {
            try {
                write(e);
            } catch (RuntimeException ex) {
                log.warn("call={} event=acd_store_failed type={} error={}", e.callId(), e.type(), ex.toString());
            }
        });
    }

    private void write(AcdEvent e) {
        var d = e.detail();
        switch (e.type()) {
            case "enqueue" -> acd.enqueued(e.callId(), e.queue(), (String) d.get("tier"), ((Number) d.getOrDefault("priority", 0)).intValue(), e.at());
            case "offer" -> acd.offered(e.callId(), e.queue(), ((Number) d.get("agent_id")).longValue(), e.at());
            case "offer_failed" -> {
                @SuppressWarnings("unchecked") List<Long> ids = ((List<Object>) d.get("agent_ids")).stream().map(o -> ((Number) o).longValue()).toList();
                acd.offerFailed(e.callId(), ids, String.valueOf(d.get("reason")), e.at());
            }
            case "answer" -> acd.answered(e.callId(), e.queue(), ((Number) d.get("agent_id")).longValue(), ((Number) d.get("wait_ms")).longValue(), e.at());
            case "dequeue" -> acd.left(e.callId(), e.queue(), String.valueOf(d.get("outcome")), ((Number) d.get("wait_ms")).longValue(),
                    Boolean.TRUE.equals(d.get("callback")), e.at());
            case "callback" -> acd.callback(e.callId(), e.queue(), (String) d.get("number"), String.valueOf(d.get("status")),
                    d.get("attempt") == null ? 0 : ((Number) d.get("attempt")).intValue(), d.get("reason") == null ? null : String.valueOf(d.get("reason")), e.at());
            case "agent_state" -> agents.stateChanged(((Number) d.get("agent_id")).longValue(), String.valueOf(d.get("to")), (String) d.get("reason"), e.callId(), e.at());
            default -> { }
        }
    }

    /** Waits until everything handed over so far is written (tests, shutdown). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("event=acd_store_flush_failed error={}", e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
