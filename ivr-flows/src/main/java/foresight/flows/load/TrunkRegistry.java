package foresight.flows.load;

import foresight.sip.trunk.TrunkPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live {@code trunks.yml}: loaded at start (errors there stop the start), then reloaded when the file changes;
 * a version with errors is logged as {@code file:line: message} and the last good one stays live, as with flows.
 * Calls read {@link #current()} when they dial.
 */
public final class TrunkRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrunkRegistry.class);

    private final Path file;
    private volatile TrunkPlan current;             // written by the reload thread
    private volatile List<FlowError> lastErrors = List.of();
    private volatile String fingerprint;
    private ScheduledFuture<?> watcher;

    public TrunkRegistry(Path file) throws FlowLoadException {
        this.file = file;
        this.fingerprint = fingerprint();
        this.current = TrunkFile.load(file);
        log.info("event=trunks_loaded file={} trunks={}", file, current.trunks().keySet());
    }

    public TrunkPlan current() { return current; }

    public List<FlowError> lastErrors() { return lastErrors; }

    /** Looks for a changed file every {@code interval} on the server's {@code timers}. */
    public TrunkRegistry watch(ScheduledExecutorService timers, Duration interval) {
        watcher = timers.scheduleWithFixedDelay(() -> {
            try {
                reloadIfChanged();
            } catch (RuntimeException e) { // an exception would cancel the schedule
                log.error("event=trunks_reload_crashed file={}", file, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reloads if the file changed since the last look; true when a new version went live. */
    public boolean reloadIfChanged() {
        String fp = fingerprint();
        if (fp.equals(fingerprint)) return false;
        fingerprint = fp;
        try {
            TrunkPlan plan = TrunkFile.load(file);
            current = plan;
            lastErrors = List.of();
            log.info("event=trunks_reloaded file={} trunks={}", file, plan.trunks().keySet());
            return true;
        } catch (FlowLoadException e) {
            lastErrors = e.errors();
            for (FlowError err : e.errors()) log.warn("event=trunks_rejected {} (the previous trunks stay live)", err);
            return false;
        }
    }

    private String fingerprint() {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file) : "absent";
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        }
    }

    @Override
    public void close() {
        if (watcher != null) watcher.cancel(false);
    }
}
