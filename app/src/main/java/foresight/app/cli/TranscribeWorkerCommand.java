package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.transcribe.TranscribeWorkerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs only transcription workers against the shared database, until SIGTERM / Ctrl-C. */
@Command(name = "transcribe-worker", description = "Take transcription jobs from the shared PostgreSQL (database.url) and read recordings "
        + "from recording.storage; no SIP, no web pages. Stop with SIGTERM: jobs in progress finish or are released.")
public final class TranscribeWorkerCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption;

    @Option(names = "--metrics-port", description = "Serve /health and /metrics on this port (0 = any free port; default: off).", defaultValue = "-1")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        var process = new TranscribeWorkerProcess(config, metricsPort).start();
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("transcribe-worker " + process.workerId() + " is taking jobs"
                + (process.metricsPort() >= 0 ? "; /health and /metrics on port " + process.metricsPort() : "") + ". Stop with Ctrl-C or SIGTERM.");
        stopped.await();
        return 0;
    }
}
