package foresight.flows.run;

/**
 * How a call ended, as the flow and the queue decide it; {@link #code} is what the call row stores and the pages
 * and reports read ({@code talked_to_agent_caller_hung_up}, {@code abandoned_in_queue}, ...).
 */
public sealed interface Disposition {
    String code();

    /** The call row's status for this disposition: only an error fails a call. */
    default String status() { return this == Ended.ERROR ? "failed" : "completed"; }

    /** Ends that carry nothing more than their name. */
    enum Ended implements Disposition {
        /** The caller hung up during the flow (not while talking to an agent). */
        CALLER_HUNG_UP,
        /** The caller hung up while it rang ({@code answer_after_seconds}); nothing was recorded. */
        ABANDONED_RINGING,
        /** The flow reached a hang-up node, or ran out of nodes. */
        FLOW_HANGUP,
        /** The flow went round more than its step limit: a flow bug; the call was ended. */
        FLOW_LOOP,
        /** The caller hung up while waiting in a queue. */
        ABANDONED_IN_QUEUE,
        /** The caller asked to be called back and hung up, keeping their place. */
        CALLBACK_REQUESTED,
        /** The run failed; the call row is marked failed. */
        ERROR;

        @Override
        public String code() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** An agent talked with the caller; {@code endedBy} hung up first ("caller" or "agent"). */
    record TalkedToAgent(String endedBy) implements Disposition {
        public TalkedToAgent {
            if (endedBy == null || endedBy.isBlank()) throw new IllegalArgumentException("endedBy is required");
        }

        @Override
        public String code() { return "talked_to_agent_" + endedBy + "_hung_up"; }
    }

    /**
     * The flow transferred the caller to an outside number or SIP URI and they talked; then {@code endedBy}
     * ({@code caller} or {@code far_end}) hung up.
     */
    record TransferredOut(String endedBy) implements Disposition {
        public TransferredOut {
            if (endedBy == null || endedBy.isBlank()) throw new IllegalArgumentException("endedBy is required");
        }

        @Override
        public String code() { return "transferred_" + endedBy + "_hung_up"; }
    }

    /** A callback leg's end: {@code callback_} and what happened on it ({@code customer_hung_up}, {@code talked_agent_hung_up}, ...). */
    record CallbackLeg(String outcome) implements Disposition {
        public CallbackLeg {
            if (outcome == null || outcome.isBlank()) throw new IllegalArgumentException("outcome is required");
        }

        @Override
        public String code() { return "callback_" + outcome; }
    }
}
