package foresight.sip;

/**
 * How a SIP leg ended, whoever ended it. Completed once per leg by the JAIN-SIP thread or the thread that hung
 * up; read by the call's thread. {@link #reason()} is the word written to logs and call rows (unchanged from
 * when the reason was a bare string).
 */
public sealed interface LegEnd {
    /** The reason as logged: {@code status:486}, {@code timeout}, {@code remote_bye}, or the local hang-up reason. */
    String reason();

    /**
     * The SIP status that best describes a leg that was never answered: the final response, 408 when nobody
     * answered in time or the leg was ended locally, 500 on an error.
     */
    int sipStatus();

    /** The final non-2xx response to an outbound INVITE (RFC 3261 §21.4-21.6), sorted by meaning. */
    static LegEnd refused(int sipStatus) {
        return sipStatus == 486 || sipStatus == 600 || sipStatus == 603 ? new Busy(sipStatus) : new Failed(sipStatus);
    }

    /** The phone is there but said no: 486 Busy Here, 600 Busy Everywhere or 603 Decline. */
    record Busy(int sipStatus) implements LegEnd {
        public Busy {
            if (sipStatus != 486 && sipStatus != 600 && sipStatus != 603) throw new IllegalArgumentException("not a busy/decline status: " + sipStatus);
        }

        @Override
        public String reason() { return "status:" + sipStatus; }
    }

    /** Any other final response from 300 to 699 (404, 407, 480, 488, ...). */
    record Failed(int sipStatus) implements LegEnd {
        public Failed {
            if (sipStatus < 300 || sipStatus > 699) throw new IllegalArgumentException("not a final failure status: " + sipStatus);
        }

        @Override
        public String reason() { return "status:" + sipStatus; }
    }

    /** Rang out: our ring timeout passed, or the INVITE transaction timed out (RFC 3261 §17.1.1.2, Timer B). */
    record NoAnswer() implements LegEnd {
        @Override
        public String reason() { return "timeout"; }

        @Override
        public int sipStatus() { return 408; }
    }

    /** The caller CANCELled their INVITE before we answered it (RFC 3261 §9.2). */
    record Cancelled() implements LegEnd {
        @Override
        public String reason() { return "caller_cancelled"; }

        @Override
        public int sipStatus() { return 487; }
    }

    /** The far end hung up with BYE. */
    record RemoteHangup() implements LegEnd {
        @Override
        public String reason() { return "remote_bye"; }

        @Override
        public int sipStatus() { return 408; }
    }

    /** We ended the leg (BYE, 480 or CANCEL) for {@code reason}: {@code shutdown}, {@code no_ack}, {@code abandoned}, ... */
    record LocalHangup(String reason) implements LegEnd {
        public LocalHangup {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a local hang-up needs a reason");
        }

        @Override
        public int sipStatus() { return 408; }
    }

    /** Signalling failed on our side (a request could not be built or sent); logged where it happened. */
    record Error() implements LegEnd {
        @Override
        public String reason() { return "error"; }

        @Override
        public int sipStatus() { return 500; }
    }
}
