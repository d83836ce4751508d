package foresight.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the version. */
@Command(name = "version", description = "Print the Foresight version.")
public final class VersionCommand implements Runnable {
    static final String VERSION = "0.1.0-SNAPSHOT";

    @Override
    public void run() { System.out.println("foresight " + VERSION + " (java " + Runtime.version() + ")"); }

    /** For --version. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() { return new String[]{"foresight " + VERSION}; }
    }
}
