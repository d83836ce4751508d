package foresight.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code foresight} — the one command-line entry point. */
@Command(name = "foresight", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Foresight IVR and contact-center voice server.",
        subcommands = {ServeCommand.class, ValidateCommand.class, SearchCommand.class, PredictEvalCommand.class, DemoDataCommand.class,
                IntentEvalCommand.class, TrainCommand.class, RecorderBenchCommand.class, AcdBenchCommand.class, ForecastEvalCommand.class, ForecastCommand.class, VersionCommand.class,
                SchemaCommand.class, SimulateCommand.class, TestFlowsCommand.class, AsrEvalCommand.class, AsrTestSetCommand.class,
                VoiceBenchCommand.class, RollbackCommand.class, DigestCommand.class, TranscribeWorkerCommand.class, UserCommand.class,
                ClusterDatabaseCommand.class, PredictBenchCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: a configuration mistake is the user's to fix, so it is printed as
     * its one-line message ({@code foresight.yml:12: ...}) with exit code 2, never as a stack trace.
     */
    public static CommandLine commandLine() {
        var cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof foresight.app.config.ConfigLoader.ConfigException ce) {
                    cmd.getErr().println("foresight: " + ce.getMessage());
                    return 2;
                }
            }
            throw e;
        });
        return cl;
    }
}
