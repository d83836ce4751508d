package foresight.acd;

import foresight.call.AudioClip;

import java.time.Duration;
import java.util.List;

/**
 * A queue from {@code queues.yml}: who may answer it (skills), how the agent is picked (strategy), how long callers
 * wait at most and what happens then (overflow), what callers hear (announcement, music, position and estimated
 * wait), and the supervisor's targets (service level, long-wait alert).
 *
 * @param music          loaded once per flow version and shared by every caller waiting; null means the built-in tune
 * @param extension      the number an agent's phone can blind-transfer a caller to (besides the name); may be null
 * @param skills         skills an agent needs, every one of them, to be offered this queue's callers
 * @param wrapUp         after a call the agent stays in wrap-up this long before the next offer
 * @param agingStep      every this long a waiting caller's priority rises by one tier step; zero: no aging
 * @param announceEvery  position and estimated wait are announced this often; zero: never
 * @param overflow       where callers go after {@code maxWait}: another queue's name, {@code callback}, or null (the flow's next step);
 *                       read it typed with {@link #overflowTarget()}
 * @param callbackKey    the key a waiting caller presses to be called back instead of waiting; null: no callbacks
 * @param serviceLevel   calls answered within this count toward the service level
 * @param serviceGoal    the share of calls the queue should answer within {@code serviceLevel} (alert below it)
 * @param alertWait      a caller waiting longer than this raises the long-wait alert
 * @param handleTime     the handle time assumed for wait estimates until the queue has answered calls
 */
public record QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement, AudioClip music, String extension,
                              List<String> skills, Strategy strategy, Duration wrapUp, Duration agingStep, Duration announceEvery,
                              String overflow, String callbackKey, Duration serviceLevel, double serviceGoal, Duration alertWait,
                              Duration handleTime) {
    /** How the agent for the next caller is picked among those free and skilled. */
    public enum Strategy {
        /** The agent idle the longest. */
        LONGEST_IDLE,
        /** The agent who took the fewest calls today; ties by idle time. */
        FEWEST_CALLS,
        /** The agent with the highest level in the queue's skills; ties by idle time. */
        SKILL_LEVEL,
        /** Every free skilled agent's phones ring at once; the first to answer gets the caller. */
        RING_ALL;

        public String yamlName() { return name().toLowerCase().replace('_', '-'); }
    }

    public static final String CALLBACK = "callback";

    public QueueDefinition {
        skills = skills == null || skills.isEmpty() ? List.of(name) : List.copyOf(skills);
        if (strategy == null) strategy = Strategy.LONGEST_IDLE;
        if (wrapUp == null) wrapUp = Duration.ZERO;
        if (agingStep == null) agingStep = Duration.ZERO;
        if (announceEvery == null) announceEvery = Duration.ZERO;
        if (serviceLevel == null) serviceLevel = Duration.ofSeconds(20);
        if (alertWait == null) alertWait = Duration.ofSeconds(120);
        if (handleTime == null) handleTime = Duration.ofSeconds(180);
    }

    public QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement, AudioClip music, String extension) {
        this(name, maxWait, ringTimeout, announcement, music, extension, null, null, null, null, null, null, null, null, 0.8, null, null);
    }

    public QueueDefinition(String name, Duration maxWait, Duration ringTimeout, String announcement) {
        this(name, maxWait, ringTimeout, announcement, null, null);
    }

    /** A copy with another routing: skills, strategy, wrap-up and aging. For tests and tools. */
    public QueueDefinition routing(List<String> skills, Strategy strategy, Duration wrapUp, Duration agingStep) {
        return new QueueDefinition(name, maxWait, ringTimeout, announcement, music, extension, skills, strategy, wrapUp, agingStep,
                announceEvery, overflow, callbackKey, serviceLevel, serviceGoal, alertWait, handleTime);
    }

    /** Where callers go after the max wait, typed ({@link #overflow()} is the operator's word as written). */
    public Overflow overflowTarget() { return Overflow.of(overflow); }

    /** True if a REFER to {@code target} (user part of Refer-To) means this queue. */
    public boolean answersTo(String target) {
        return target != null && (target.equalsIgnoreCase(name) || target.equals(extension));
    }
}
