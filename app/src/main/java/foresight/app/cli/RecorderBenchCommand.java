package foresight.app.cli;

import foresight.recording.CallRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What recording costs per call, measured without the rest of the server: N recorders fed their 20 ms frame
 * pairs as the pacer would (all calls interleaved), written as stereo WAVs to a temporary folder. Reports CPU
 * milliseconds of the process per call-minute and bytes per call-minute. Used by {@code scripts/bench recording}.
 */
@Command(name = "recorder-bench", description = "Measure the recorder's CPU and disk cost per call-minute (no server needed).")
public final class RecorderBenchCommand implements Runnable {
    @Option(names = "--calls", defaultValue = "100", description = "Calls recorded at once (default ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--seconds", defaultValue = "60", description = "Length of each call (default ${DEFAULT-VALUE})")
    int seconds;

    @Override
    public void run() {
        try {
            Path dir = Files.createTempDirectory("recorder-bench");
            short[] caller = new short[160], heard = new short[160];
            for (int i = 0; i < 160; i++) {
                caller[i] = (short) (3000 * Math.sin(i / 3.0));
                heard[i] = (short) (2000 * Math.sin(i / 5.0));
            }
            var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = bean.getProcessCpuTime(), t0 = System.nanoTime();
            List<CallRecorder> recorders = new ArrayList<>();
            for (int c = 0; c < calls; c++) recorders.add(new CallRecorder("bench-" + c, dir.resolve("call-" + c + ".wav"), ms -> { }));
            int frames = seconds * 50;
            for (int f = 0; f < frames; f++) for (CallRecorder r : recorders) r.offer(caller, heard);
            for (CallRecorder r : recorders) r.close();
            for (CallRecorder r : recorders) r.awaitClosed(Duration.ofMinutes(1));
            long cpuMs = (bean.getProcessCpuTime() - cpu0) / 1_000_000, wallMs = (System.nanoTime() - t0) / 1_000_000;
            long bytes = 0;
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    bytes += Files.size(p);
                    Files.delete(p);
                }
            }
            Files.delete(dir);
            double callMinutes = calls * seconds / 60.0;
            System.out.printf("recorder: %d calls x %d s (%.0f call-minutes) in %d ms wall, %d ms CPU: %.1f ms CPU and %.0f KB per call-minute%n",
                    calls, seconds, callMinutes, wallMs, cpuMs, cpuMs / callMinutes, bytes / 1024.0 / callMinutes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
