package foresight.db.call;

/** The agent's wrap-up of a call as stored: the disposition, the reason as corrected by the agent (or null), notes. */
public record WrapUp(String disposition, String correctedReason, String notes) {}
