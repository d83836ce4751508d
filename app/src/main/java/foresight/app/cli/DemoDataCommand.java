package foresight.app.cli;

import foresight.app.eval.HistoryDataGenerator;
import foresight.app.eval.SimulatedHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Writes a synthetic history in the predict-eval format. */
@Command(name = "demo-data", description = "Write a synthetic customer history (customers.csv, events.csv, calls.csv) for predict-eval; "
        + "the simulated shapes (lifecycle, bursty, noise) also write oracle.csv, the true P(reason | history) per call.")
public final class DemoDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Folder to write")
    Path out;

    @Option(names = "--customers", defaultValue = "2000")
    int customers;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--shape", defaultValue = "demo", description = "demo (default), lifecycle, bursty or noise")
    String shape;

    @Override
    public Integer call() throws Exception {
        Instant end = Instant.parse("2026-11-01T00:00:00Z");
        if (!shape.equals("demo") && !SimulatedHistory.shapes().contains(shape)) {
            System.err.println("demo-data: unknown --shape '" + shape + "' (known: demo, " + String.join(", ", SimulatedHistory.shapes()) + ")");
            return 2;
        }
        var w = shape.equals("demo") ? HistoryDataGenerator.write(out, customers, seed, end) : SimulatedHistory.write(out, shape, customers, seed, end);
        System.out.printf("wrote %s (%s): %d customers, %d events, %d calls%n", out, shape, w.customers(), w.events(), w.calls());
        return 0;
    }
}
