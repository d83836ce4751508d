package foresight.app.cli;

import foresight.flows.load.OperatorSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes the operator files' JSON Schemas, for editors (the YAML language server) and CI. */
@Command(name = "schema", description = {"Write the JSON Schemas (draft 2020-12) of flows/*.yml, queues.yml, reasons.yml, qa-rules.yml, answers.yml, trunks.yml "
        + "and tests/*.yml as DIR/NAME.json. A running server serves them at /schemas/NAME.json."})
public final class SchemaCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "The folder to write to, e.g. examples/hotline/schemas")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (Path p : OperatorSchemas.write(out)) System.out.println("wrote " + p);
        return 0;
    }
}
