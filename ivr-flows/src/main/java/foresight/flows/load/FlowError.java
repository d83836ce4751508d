package foresight.flows.load;

/** One problem in an operator file, printed as {@code file:line: message}. */
public record FlowError(String file, int line, String message) {
    @Override
    public String toString() { return file + ":" + line + ": " + message; }
}
