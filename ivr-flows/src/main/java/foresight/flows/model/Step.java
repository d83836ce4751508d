package foresight.flows.model;

import java.time.Duration;
import java.util.Map;

/**
 * One node of a flow. Every variant names the nodes it may continue to; {@code line} is where it is defined,
 * for operator error messages.
 */
public sealed interface Step {
    String id();

    int line();

    /** Plays a sentence (a template) and continues. */
    record Say(String id, int line, String text, String next) implements Step {}

    /** Waits for the history-based prediction; {@code found} when it clears {@code minConfidence}, else {@code none}. */
    record PredictIssue(String id, int line, double minConfidence, String found, String none) implements Step {}

    /** Asks a yes/no question by voice or keys (1 = yes, 2 = no). */
    record Confirm(String id, int line, String text, String yes, String no, String unclear, Duration timeout) implements Step {}

    /** Asks an open question; the answer is matched against the reason catalogue. */
    /** An open question; the answer is classified into a reason if the classifier is at least {@code minConfidence} sure. */
    record Ask(String id, int line, String text, String matched, String nomatch, Duration timeout, double minConfidence) implements Step {}

    /** A key-press menu: digit → node; after {@code retries} misses, {@code fallback}. */
    record Menu(String id, int line, String text, Map<String, String> options, int retries, String fallback, Duration timeout) implements Step {}

    /** Sets call variables (templates allowed) and continues. */
    record SetVars(String id, int line, Map<String, String> values, String next) implements Step {}

    /** Branches on a call variable. */
    record Switch(String id, int line, String variable, Map<String, String> cases, String otherwise) implements Step {}

    /** Waits in a queue for an agent; {@code next} runs only if nobody answered within the queue's max wait. */
    record Queue(String id, int line, String queue, String next) implements Step {}

    /**
     * Connects the caller to {@code to} (a template giving a phone number, dialled over a trunk from trunks.yml, or a
     * SIP URI) until one side hangs up; {@code next} runs if it is not answered within {@code ringTimeout}, is busy or
     * refused, or no trunk can take it.
     */
    record Transfer(String id, int line, String to, Duration ringTimeout, String next) implements Step {}

    /** Ends the call. */
    record Hangup(String id, int line) implements Step {}

    /** Pauses ({@code record: pause}) or resumes ({@code record: resume}) the call's recording, e.g. around card capture. */
    record Record(String id, int line, boolean pause, String next) implements Step {}
}
