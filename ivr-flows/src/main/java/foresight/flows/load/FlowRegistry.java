package foresight.flows.load;

import foresight.flows.model.FlowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The live operator files. Polls the directory and reloads when any file changes; a load with errors logs
 * each as {@code file:line: message} and leaves the last good {@link FlowSet} live. New calls read
 * {@link #current()}; calls in progress keep the set they started with.
 */
public final class FlowRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FlowRegistry.class);

    /**
     * Checks a loaded, valid version before it may go live (e.g. its flow tests); any problem keeps the last good
     * version live, as a validation error does. Runs on the reload thread (or the constructor's).
     */
    @FunctionalInterface
    public interface Gate {
        List<FlowError> check(FlowSet candidate);
    }

    private final Path dir;
    private final Gate gate;
    private final AtomicReference<FlowSet> current = new AtomicReference<>(); // written by the reload thread
    private final AtomicReference<List<FlowError>> lastErrors = new AtomicReference<>(List.of());
    private volatile String fingerprint = "";
    private volatile boolean running = true;
    private volatile java.util.function.Consumer<FlowSet> onLive = set -> {};
    private java.util.concurrent.ScheduledFuture<?> watcher;

    /** Loads the directory; fails if the first load has errors (there is no good version to keep). */
    public FlowRegistry(Path dir) throws FlowLoadException {
        this(dir, candidate -> List.of());
    }

    /** Loads the directory; fails if the first load has errors or does not pass {@code gate}. */
    public FlowRegistry(Path dir, Gate gate) throws FlowLoadException {
        this.dir = dir;
        this.gate = gate;
        this.fingerprint = fingerprint();
        FlowSet set = OperatorFiles.load(dir);
        List<FlowError> refused = gate.check(set);
        if (!refused.isEmpty()) throw new FlowLoadException(refused);
        set.intents().startTraining();
        current.set(set);
        log.info("event=flows_loaded dir={} version={} flows={}", dir, set.version(), set.flows().keySet());
    }

    public FlowSet current() { return current.get(); }

    /**
     * Calls {@code listener} with the live version now and with every version that goes live later, on the reload
     * thread (e.g. to keep a history of versions). A listener's failure is logged; the version stays live.
     */
    public FlowRegistry onLive(java.util.function.Consumer<FlowSet> listener) {
        this.onLive = listener;
        notifyLive(current.get());
        return this;
    }

    private void notifyLive(FlowSet set) {
        try {
            onLive.accept(set);
        } catch (RuntimeException e) {
            log.error("event=flow_version_listener_failed version={}", set.version(), e);
        }
    }

    public List<FlowError> lastErrors() { return lastErrors.get(); }

    public Path dir() { return dir; }

    /** Looks for changed files every {@code interval} on the server's {@code timers}. */
    public FlowRegistry watch(java.util.concurrent.ScheduledExecutorService timers, Duration interval) {
        watcher = timers.scheduleWithFixedDelay(() -> {
            if (!running) return;
            try {
                reloadIfChanged();
            } catch (RuntimeException e) { // an exception would cancel the schedule: log it and look again next time
                log.error("event=flow_reload_crashed dir={}", dir, e);
            }
        }, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reloads if any file changed since the last look. Returns true when a new version went live. */
    public boolean reloadIfChanged() {
        String fp = fingerprint();
        if (fp.equals(fingerprint)) return false;
        fingerprint = fp;
        try {
            FlowSet set = OperatorFiles.load(dir);
            FlowSet previous = current.get();
            if (set.intents().sameTrainingData(previous.intents())) {
                // Reasons and utterances unchanged: keep the trained classifier rather than train again.
                set = set.withIntents(previous.intents());
            }
            set.intents().startTraining();
            List<FlowError> refused = gate.check(set);
            if (!refused.isEmpty()) throw new FlowLoadException(refused);
            FlowSet old = current.getAndSet(set);
            lastErrors.set(List.of());
            log.info("event=flows_reloaded dir={} version={} previous={}", dir, set.version(), old.version());
            notifyLive(set);
            return true;
        } catch (FlowLoadException e) {
            lastErrors.set(e.errors());
            for (FlowError err : e.errors()) log.warn("event=flow_rejected {} (version {} stays live)", err, current.get().version());
            return false;
        }
    }

    private String fingerprint() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir, 2)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                sb.append(p).append(':').append(Files.getLastModifiedTime(p).toMillis()).append(':').append(Files.size(p)).append(';');
            }
        } catch (IOException e) {
            sb.append("unreadable:").append(e.getMessage());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        running = false;
        if (watcher != null) watcher.cancel(false);
    }
}
