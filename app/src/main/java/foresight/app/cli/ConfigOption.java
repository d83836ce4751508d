package foresight.app.cli;

import foresight.app.config.ConfigLoader;
import foresight.app.config.ForesightConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --config} option shared by commands that need the configuration. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, description = "Config file (default: ./foresight.yml if present, else built-in defaults).")
    Path file;

    ForesightConfig load() throws ConfigLoader.ConfigException {
        Path f = file != null ? file : Path.of("foresight.yml");
        if (file != null && !java.nio.file.Files.exists(file)) throw new ConfigLoader.ConfigException(file + ":1: file not found");
        return ConfigLoader.load(f, System.getenv());
    }
}
