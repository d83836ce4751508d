package foresight.app.flows;

import foresight.db.customer.CustomerRepository;
import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.FlowRegistry;
import foresight.flows.load.FlowTestFiles;
import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest;
import foresight.flows.run.FlowTestRun;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code operator.requireTests: true}: a version of the operator files goes live only if its flow tests
 * ({@code tests/*.yml}) pass, run as {@code test-flows} runs them. A broken test file or a failing test is reported
 * like a validation error and the last good version stays live. Waits for the ask classifier to train.
 */
public final class FlowTestGate implements FlowRegistry.Gate {
    private final Path dir;
    private final String entryFlow;
    private final CustomerRepository customers; // null: the demo customers
    private final Clock clock;

    public FlowTestGate(Path dir, String entryFlow, CustomerRepository customers, Clock clock) {
        this.dir = dir;
        this.entryFlow = entryFlow;
        this.customers = customers;
        this.clock = clock;
    }

    @Override
    public List<FlowError> check(FlowSet candidate) {
        List<FlowTest> tests;
        try {
            tests = FlowTestFiles.load(dir, candidate, entryFlow);
        } catch (FlowLoadException e) {
            return e.errors();
        }
        try {
            candidate.intents().startTraining().join();
        } catch (RuntimeException e) {
            // as on a live call: keywords decide when the classifier cannot be trained
        }
        List<FlowError> out = new ArrayList<>();
        for (FlowTestRun.Verdict v : FlowTestRun.run(candidate, tests, new SimulatedCallers(candidate, customers, clock))) {
            if (!v.passed()) out.add(new FlowError(v.test().file(), v.test().line(), "flow test '" + v.test().name() + "' fails (operator.requireTests): " + v.failure()));
        }
        return out;
    }
}
