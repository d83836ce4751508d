package foresight.flows.load;

import java.util.List;
import java.util.stream.Collectors;

/** All the problems found in an operator directory, at once. */
public final class FlowLoadException extends Exception {
    private final List<FlowError> errors;

    public FlowLoadException(List<FlowError> errors) {
        super(errors.stream().map(FlowError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<FlowError> errors() { return errors; }
}
