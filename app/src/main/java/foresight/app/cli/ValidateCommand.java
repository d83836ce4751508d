package foresight.app.cli;

import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.OperatorFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Checks an operator folder without starting anything. */
@Command(name = "validate", description = "Check an operator folder (flows/*.yml, queues.yml, reasons.yml). Prints file:line: message for each problem.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The operator folder, e.g. examples/hotline")
    Path dir;

    @Override
    public Integer call() {
        try {
            var set = OperatorFiles.load(dir);
            System.out.printf("OK %s: %d flow(s) %s, %d queue(s), %d reason(s), version %s%n", dir, set.flows().size(),
                    set.flows().keySet(), set.queues().size(), set.reasons().size(), set.version());
            return 0;
        } catch (FlowLoadException e) {
            for (FlowError err : e.errors()) System.err.println(err);
            System.err.printf("%d problem(s) in %s%n", e.errors().size(), dir);
            return 1;
        }
    }
}
