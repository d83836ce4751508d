package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.flows.SimulatedCallers;
import foresight.db.Database;
import foresight.flows.load.FlowLoadException;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.FlowTest;
import foresight.flows.run.FlowSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a flow in the terminal as a caller would experience it: no phone, SIP, audio or server. */
@Command(name = "simulate", description = {"Run the entry flow as a caller would experience it: prompts as text, the prediction, what each --say is "
        + "understood as, the path and where the call ends. --say and --press are taken, in the order given, by the nodes that listen; "
        + "when they run out the caller is silent. Without a database (database.url) the demo customers are the callers."})
public final class SimulateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The operator folder, e.g. examples/hotline")
    Path dir;

    @Option(names = "--from", description = "The caller's number (default: ${DEFAULT-VALUE})", defaultValue = "+15550199")
    String from;

    @Option(names = "--flow", description = "The flow to run (default: operator.entryFlow)")
    String flowName;

    @Option(names = "--script", description = "A file of turns: one per line, 'say WORDS' or 'press KEY' (# comments)")
    Path script;

    @Mixin
    ConfigOption configOption;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        List<FlowTest.Turn> turns = new ArrayList<>();
        if (script != null) {
            try {
                turns.addAll(ScriptFile.read(script));
            } catch (FlowLoadException e) {
                OperatorFolder.printErrors(e, script);
                return 1;
            }
        }
        turns.addAll(turnsInOrder());
        FlowSet set = OperatorFolder.load(dir);
        if (set == null) return 1;
        String name = flowName != null ? flowName : config.operator().entryFlow();
        Flow flow = set.flows().get(name);
        if (flow == null && flowName == null) flow = set.flows().values().iterator().next();
        if (flow == null) {
            System.err.println("unknown flow '" + name + "'; flows are " + set.flows().keySet());
            return 1;
        }
        OperatorFolder.trainClassifier(set);
        try (Database db = OperatorFolder.database(config)) {
            SimulatedCallers callers = OperatorFolder.callers(set, db);
            FlowSimulation.Caller caller = callers.apply(from);
            System.out.println("flow " + flow.name() + " (" + flow.file() + "), version " + set.version());
            System.out.println("caller " + from + ": " + callers.describe(caller));
            System.out.println("prediction: " + caller.prediction().map(p -> String.format("%s, confidence %.2f: \"%s\"", p.reasonId(), p.confidence(), p.phrase()))
                    .orElse("none"));
            new FlowSimulation(set, flow, caller, turns, System.out::println).run();
        }
        return 0;
    }

    /** --say and --press in the order they were given on the command line. */
    private List<FlowTest.Turn> turnsInOrder() {
        List<FlowTest.Turn> out = new ArrayList<>();
        // picocli keeps each option's values apart; the caller's order is in the raw arguments.
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null, kind = null;
            if (a.equals("--say") || a.equals("--press")) {
                kind = a;
                value = i + 1 < args.size() ? args.get(++i) : null;
            } else if (a.startsWith("--say=") || a.startsWith("--press=")) {
                kind = a.substring(0, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            }
            if (kind == null || value == null) continue;
            if (kind.equals("--say")) out.add(new FlowTest.Turn.Say(value));
            else if (value.matches("[0-9*#]")) out.add(new FlowTest.Turn.Press(value.charAt(0)));
            else throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--press takes one key (0-9, * or #), was '" + value + "'");
        }
        return out;
    }

    @Option(names = "--say", description = "Words the caller says when the flow next listens (repeatable)")
    List<String> say;

    @Option(names = "--press", description = "A key the caller presses when the flow next listens (repeatable)")
    List<String> press;
}
