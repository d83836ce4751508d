package foresight.call;

/** How an attempt to connect the caller to an agent's phone ended. */
public sealed interface BridgeOutcome {
    /** The agent never answered: busy, declined, unreachable or ring timeout. The caller is still there. */
    record NotAnswered(int sipStatus, String reason) implements BridgeOutcome {}

    /** They talked; then {@code endedBy} ("caller" or "agent") hung up. Both legs are over. */
    record Talked(String endedBy, java.time.Duration talkTime) implements BridgeOutcome {}

    /** The agent blind-transferred the caller to {@code target} (accepted by the request's policy). The agent's leg is over; the caller is still there. */
    record Transferred(String target, java.time.Duration talkTime) implements BridgeOutcome {}
}
