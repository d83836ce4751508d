package foresight.flows.model;

import foresight.call.AudioClip;

import java.time.Duration;

/**
 * A queue from {@code queues.yml}: how long callers wait at most, how long an agent rings, what callers hear.
 * {@code music} is loaded once per flow version and shared by every caller waiting; null means the built-in tune.
 * {@code extension} is the number an agent's phone can blind-transfer a caller to (besides the queue's name); may be null.
 */
public record QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement, AudioClip music, String extension) {
    public QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement) {
        this(name, maxWait, ringTimeout, announcement, null, null);
    }

    /** True if a REFER to {@code target} (user part of Refer-To) means this queue. */
    public boolean answersTo(String target) {
        return target != null && (target.equalsIgnoreCase(name) || target.equals(extension));
    }
}
