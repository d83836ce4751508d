package foresight.app.cli;

import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.OperatorFiles;
import foresight.flows.load.TrunkFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Checks an operator folder without starting anything. */
@Command(name = "validate", description = "Check an operator folder (flows/*.yml, queues.yml, reasons.yml, trunks.yml). Prints file:line: message for each problem.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The operator folder, e.g. examples/hotline")
    Path dir;

    @Override
    public Integer call() {
        List<FlowError> errors = new ArrayList<>();
        foresight.flows.model.FlowSet set = null;
        foresight.sip.trunk.TrunkPlan trunks = null;
        try {
            set = OperatorFiles.load(dir);
        } catch (FlowLoadException e) {
            errors.addAll(e.errors());
        }
        try {
            trunks = TrunkFile.load(dir.resolve("trunks.yml"));
        } catch (FlowLoadException e) {
            errors.addAll(e.errors());
        }
        if (!errors.isEmpty()) {
            for (FlowError err : errors) System.err.println(err);
            System.err.printf("%d problem(s) in %s%n", errors.size(), dir);
            return 1;
        }
        System.out.printf("OK %s: %d flow(s) %s, %d queue(s), %d reason(s), %d trunk(s), version %s%n", dir, set.flows().size(),
                set.flows().keySet(), set.queues().size(), set.reasons().size(), trunks.trunks().size(), set.version());
        return 0;
    }
}
