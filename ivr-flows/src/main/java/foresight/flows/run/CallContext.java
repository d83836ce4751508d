package foresight.flows.run;

import foresight.db.customer.Customer;
import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.speech.predict.Prediction;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One call's run of a flow: the flow version it started with, what we know about the caller, and variables
 * set along the way. Owned by the call's thread.
 */
final class CallContext {
    /** What the lookup started at INVITE time found. */
    record Lookup(Optional<Customer> customer, Optional<Prediction> prediction) {}

    final String callId;
    final FlowSet flowSet;
    final Flow flow;
    final CompletableFuture<Lookup> lookup;
    final Map<String, String> vars = new HashMap<>();

    CallContext(String callId, FlowSet flowSet, Flow flow, CompletableFuture<Lookup> lookup) {
        this.callId = callId;
        this.flowSet = flowSet;
        this.flow = flow;
        this.lookup = lookup;
    }

    /** Template values: {@code customer.*}, {@code prediction.*} and every variable by name. */
    Map<String, Object> templateValues() {
        Map<String, Object> values = new HashMap<>(vars);
        Lookup l = lookup.getNow(null);
        if (l != null) values.putAll(lookupValues(l));
        return values;
    }

    /** Template values the lookup alone gives: {@code customer.*} and {@code prediction.*}. Any thread. */
    static Map<String, Object> lookupValues(Lookup l) {
        Map<String, Object> values = new HashMap<>();
        if (l.customer().isPresent()) {
            Customer c = l.customer().get();
            values.put("customer", Map.of("first_name", c.firstName(), "last_name", c.lastName(), "tier", c.tier()));
        }
        if (l.prediction().isPresent()) {
            Prediction p = l.prediction().get();
            values.put("prediction", Map.of("reason", p.reasonId(), "phrase", p.phrase(), "confidence", p.confidence()));
        }
        return values;
    }
}
