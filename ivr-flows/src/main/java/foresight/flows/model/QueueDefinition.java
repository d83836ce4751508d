package foresight.flows.model;

import foresight.call.AudioClip;

import java.time.Duration;

/**
 * A queue from {@code queues.yml}: how long callers wait at most, how long an agent rings, what callers hear.
 * {@code music} is loaded once per flow version and shared by every caller waiting; null means the built-in tune.
 */
public record QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement, AudioClip music) {
    public QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement) {
        this(name, maxWait, ringTimeout, announcement, null);
    }
}
