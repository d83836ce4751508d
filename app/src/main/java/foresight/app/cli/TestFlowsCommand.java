package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.db.Database;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.FlowTestFiles;
import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest;
import foresight.flows.run.FlowTestRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** An operator's CI: runs the folder's flow tests (tests/*.yml) through the simulator. */
@Command(name = "test-flows", description = {"Run the flow tests in DIR/tests/*.yml: one line per test (PASS, or FAIL with the turn that failed and "
        + "what happened instead). Exit code 1 on any failure or a broken folder, else 0."})
public final class TestFlowsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The operator folder, e.g. examples/hotline")
    Path dir;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        FlowSet set = OperatorFolder.load(dir);
        if (set == null) return 1;
        List<FlowTest> tests;
        try {
            tests = FlowTestFiles.load(dir, set, config.operator().entryFlow());
        } catch (FlowLoadException e) {
            OperatorFolder.printErrors(e, dir.resolve("tests"));
            return 1;
        }
        if (tests.isEmpty()) {
            System.out.println("no flow tests in " + dir.resolve("tests") + " (tests/*.yml)");
            return 0;
        }
        OperatorFolder.trainClassifier(set);
        List<FlowTestRun.Verdict> verdicts;
        try (Database db = OperatorFolder.database(config)) {
            verdicts = FlowTestRun.run(set, tests, OperatorFolder.callers(set, db));
        }
        verdicts.forEach(v -> System.out.println(v.line()));
        long failed = verdicts.stream().filter(v -> !v.passed()).count();
        System.out.printf("%d test(s), %d passed, %d failed (version %s)%n", verdicts.size(), verdicts.size() - failed, failed, set.version());
        return failed == 0 ? 0 : 1;
    }
}
