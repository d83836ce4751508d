package foresight.speech.asr;

/** What the recogniser heard. {@code text} is empty when the caller said nothing recognisable. */
public record Utterance(String text, Outcome outcome) {
    /** Why listening stopped. */
    public enum Outcome { RECOGNISED, NO_INPUT, INTERRUPTED, UNAVAILABLE }

    public boolean heardSomething() { return outcome == Outcome.RECOGNISED && !text.isBlank(); }
}
