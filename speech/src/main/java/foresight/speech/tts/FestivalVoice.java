package foresight.speech.tts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Festival speaking through a small fixed pool of long-lived {@link FestivalProcess}es (never a process per
 * prompt): at most {@code processes} sentences are synthesised at once, further callers block until one is free.
 * A process that died (or stopped answering) is replaced and the sentence retried once. Thread-safe.
 */
public final class FestivalVoice implements Voice {
    private static final Logger log = LoggerFactory.getLogger(FestivalVoice.class);
    /** Festival's function that selects the HTS us-slt voice (Debian {@code festvox-us-slt-hts}). */
    public static final String SLT = "voice_cmu_us_slt_arctic_hts";

    /** Longest a sentence may take before its process is presumed hung and replaced. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String command;
    private final String voiceFunction;
    private final Duration timeout;
    private final Path dir;
    private final BlockingQueue<Slot> idle;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger started = new AtomicInteger();

    /** One place in the pool; its process is replaced when it dies. Owned by whoever took it from {@code idle}. */
    private static final class Slot {
        final String label;
        volatile FestivalProcess process; // replaced by the slot's current owner; read by pids()

        Slot(String label) { this.label = label; }
    }

    /**
     * Starts {@code processes} Festival processes ({@code command}, usually {@code festival}) with {@code voiceFunction}
     * loaded; blocks until all are ready (about a second each). Throws with the reason if Festival or the voice is missing.
     */
    public FestivalVoice(String command, String voiceFunction, int processes, Duration timeout) throws IOException {
        if (processes < 1) throw new IllegalArgumentException("processes=" + processes);
        this.command = command;
        this.voiceFunction = voiceFunction;
        this.timeout = timeout;
        this.dir = Files.createTempDirectory("foresight-festival");
        this.idle = new ArrayBlockingQueue<>(processes);
        try {
            for (int i = 0; i < processes; i++) {
                var slot = new Slot("festival-" + i);
                slot.process = start(slot.label);
                slots.add(slot);
                idle.add(slot);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("event=tts_ready voice=festival-slt festival_voice={} processes={} pids={}", voiceFunction, processes, pids());
    }

    /** The HTS us-slt voice with {@code processes} Festival processes from the PATH. */
    public static FestivalVoice slt(int processes) throws IOException {
        return new FestivalVoice("festival", SLT, processes, TIMEOUT);
    }

    private FestivalProcess start(String label) throws IOException {
        FestivalProcess p = FestivalProcess.start(command, voiceFunction, dir, label, timeout);
        started.incrementAndGet();
        return p;
    }

    @Override
    public String name() { return VoiceName.FESTIVAL_SLT.configName(); }

    @Override
    public short[] synthesize(String text) {
        if (text == null || text.isBlank()) return new short[0];
        Slot slot;
        try {
            slot = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SynthesisException("interrupted waiting for a festival process", e);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (slot.process == null || !slot.process.isAlive()) replace(slot, "exited");
                    requests.incrementAndGet();
                    return slot.process.synthesize(text, timeout);
                } catch (IOException e) {
                    if (attempt >= 2) throw new SynthesisException("festival failed twice on \"" + text + "\": " + e.getMessage(), e);
                    log.warn("event=festival_restart process={} reason=\"{}\"", slot.label, e.getMessage());
                    try {
                        replace(slot, e.getMessage());
                    } catch (IOException again) {
                        throw new SynthesisException("festival could not be restarted: " + again.getMessage(), again);
                    }
                }
            }
        } finally {
            idle.add(slot);
        }
    }

    private void replace(Slot slot, String why) throws IOException {
        if (slot.process != null) {
            log.info("event=festival_replaced process={} old_pid={} why=\"{}\"", slot.label, slot.process.pid(), why);
            slot.process.close();
            slot.process = null;
        }
        slot.process = start(slot.label);
    }

    @Override
    public long requests() { return requests.get(); }

    /** Festival processes started since construction, replacements included. */
    public int processesStarted() { return started.get(); }

    /** The pids of the live pool (for operators and tests). */
    public List<Long> pids() {
        List<Long> out = new ArrayList<>();
        for (Slot s : slots) {
            FestivalProcess p = s.process;
            if (p != null) out.add(p.pid());
        }
        return out;
    }

    @Override
    public void close() {
        for (Slot s : slots) if (s.process != null) s.process.close();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("event=festival_tmp_not_deleted dir={}", dir);
        }
    }
}
