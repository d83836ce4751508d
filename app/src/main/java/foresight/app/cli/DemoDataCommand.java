package foresight.app.cli;

import foresight.app.eval.HistoryDataGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Writes a synthetic history in the predict-eval format. */
@Command(name = "demo-data", description = "Write a synthetic customer history (customers.csv, events.csv, calls.csv) for predict-eval.")
public final class DemoDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Folder to write")
    Path out;

    @Option(names = "--customers", defaultValue = "2000")
    int customers;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
        var w = HistoryDataGenerator.write(out, customers, seed, Instant.parse("2026-11-01T00:00:00Z"));
        System.out.printf("wrote %s: %d customers, %d events, %d calls%n", out, w.customers(), w.events(), w.calls());
        return 0;
    }
}
