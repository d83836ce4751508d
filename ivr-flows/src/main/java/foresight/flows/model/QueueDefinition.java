package foresight.flows.model;

import java.time.Duration;

/** A queue from {@code queues.yml}: how long callers wait at most, how long an agent rings, what callers hear. */
public record QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement) {}
