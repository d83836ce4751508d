package foresight.app.cli;

import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.model.FlowTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A simulate script: one turn per line, {@code say WORDS} or {@code press KEY}; blank lines and {@code #} comments skipped. */
final class ScriptFile {
    private ScriptFile() {}

    static List<FlowTest.Turn> read(Path file) throws FlowLoadException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new FlowLoadException(List.of(new FlowError(file.toString(), 1, "cannot read: " + e.getMessage())));
        }
        List<FlowTest.Turn> out = new ArrayList<>();
        List<FlowError> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+", 2);
            String value = parts.length > 1 ? parts[1].strip() : "";
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
            if (parts[0].equals("say") && !value.isEmpty()) out.add(new FlowTest.Turn.Say(value));
            else if (parts[0].equals("press") && value.matches("[0-9*#]")) out.add(new FlowTest.Turn.Press(value.charAt(0)));
            else errors.add(new FlowError(file.toString(), i + 1, "expected 'say WORDS' or 'press KEY' (one of 0-9, * or #), was '" + line + "'"));
        }
        if (!errors.isEmpty()) throw new FlowLoadException(errors);
        return out;
    }
}
