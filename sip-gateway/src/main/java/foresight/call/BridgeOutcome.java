package foresight.call;

/** How an attempt to connect the caller to an agent's phone ended. */
public sealed interface BridgeOutcome {
    /** The agent never answered: busy, declined, unreachable or ring timeout. The caller is still there. */
    record NotAnswered(foresight.sip.LegEnd end) implements BridgeOutcome {
        public NotAnswered {
            java.util.Objects.requireNonNull(end, "end");
        }

        /** The SIP status that describes it: the refusal's, 408 when it rang out, 500 on an error. */
        public int sipStatus() { return end.sipStatus(); }

        /** The reason as logged ({@code status:486}, {@code timeout}, {@code error}). */
        public String reason() { return end.reason(); }
    }

    /** They talked; then {@code endedBy} ("caller" or "agent") hung up. Both legs are over. */
    record Talked(String endedBy, java.time.Duration talkTime) implements BridgeOutcome {}

    /** The agent blind-transferred the caller to {@code target} (accepted by the request's policy). The agent's leg is over; the caller is still there. */
    record Transferred(String target, java.time.Duration talkTime) implements BridgeOutcome {}
}
