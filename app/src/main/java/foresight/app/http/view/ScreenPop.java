package foresight.app.http.view;

import foresight.db.call.CallSummary;
import foresight.db.customer.Customer;
import foresight.db.customer.CustomerEvent;
import foresight.flows.model.Answer;

import java.util.List;

/**
 * What the agent page shows about the call in hand: who is calling (customer may be null), the call row (may be
 * null), whether it is a callback, history, what the caller said in the IVR and the path taken, suggested answers,
 * and the wrap-up (saved disposition/reason, null before; {@code wrapUp} false while ringing).
 */
public record ScreenPop(String callId, String heading, Customer customer, CallSummary call, boolean callback, List<CustomerEvent> history,
                        List<String> said, List<String> path, List<Answer.Ranked> answers, boolean wrapUp, String savedDisposition,
                        String savedReason, String reason, List<String> reasons, List<String> dispositions) {}
