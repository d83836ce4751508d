package foresight.acd;

/** How a caller's time in a queue ended. */
public sealed interface AcdOutcome {
    /** An agent answered and they talked until one side hung up. */
    record Answered(long agentId, String agentUsername, String endedBy) implements AcdOutcome {}

    /** The agent answered, then blind-transferred the caller to {@code target}; the caller is still on the line. */
    record Transferred(long agentId, String agentUsername, String target) implements AcdOutcome {}

    /** Nobody answered within the queue's max wait; the caller is still on the line. */
    record TimedOut() implements AcdOutcome {}

    /** The caller hung up while waiting or while an agent was ringing. */
    record Abandoned() implements AcdOutcome {}

    /** The caller chose to be called back; their place is kept and the caller's line may now be hung up. */
    record CallbackRequested() implements AcdOutcome {}
}
