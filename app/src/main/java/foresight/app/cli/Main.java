package foresight.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code foresight} — the one command-line entry point. */
@Command(name = "foresight", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Foresight IVR and contact-center voice server.",
        subcommands = {ServeCommand.class, ValidateCommand.class, SearchCommand.class, PredictEvalCommand.class, DemoDataCommand.class,
                IntentEvalCommand.class, TrainCommand.class, RecorderBenchCommand.class, AcdBenchCommand.class, ForecastEvalCommand.class, ForecastCommand.class, VersionCommand.class,
                SchemaCommand.class, SimulateCommand.class, TestFlowsCommand.class, RollbackCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
