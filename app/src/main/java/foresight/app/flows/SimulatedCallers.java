package foresight.app.flows;

import foresight.app.demo.DemoData;
import foresight.db.customer.Customer;
import foresight.db.customer.CustomerEvent;
import foresight.db.customer.CustomerRepository;
import foresight.flows.model.FlowSet;
import foresight.flows.run.FlowSimulation;
import foresight.speech.predict.CallReasonPredictor;
import foresight.speech.predict.Prediction;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who a simulated caller is: the demo customers (with their histories as seeded) when no database is
 * configured, else the configured database's customers. The prediction is the live one (the catalogue's
 * {@code likely_when} rules; a learned model only lives in a running server).
 */
public final class SimulatedCallers implements Function<String, FlowSimulation.Caller> {
    private final FlowSet set;
    private final CustomerRepository customers; // null: demo customers
    private final Clock clock;

    /** {@code customers} null: the demo customers. */
    public SimulatedCallers(FlowSet set, CustomerRepository customers, Clock clock) {
        this.set = set;
        this.customers = customers;
        this.clock = clock;
    }

    @Override
    public FlowSimulation.Caller apply(String number) {
        Instant now = clock.instant();
        Optional<Customer> customer;
        List<CustomerEvent> newestFirst = new ArrayList<>();
        if (customers != null) {
            customer = customers.findByPhone(number);
            customer.ifPresent(c -> newestFirst.addAll(customers.recentEvents(c.id(), 200)));
        } else {
            customer = Optional.empty();
            String wanted = CustomerRepository.normalisePhone(number);
            for (int i = 0; i < DemoData.CUSTOMERS.size(); i++) {
                DemoData.DemoCustomer d = DemoData.CUSTOMERS.get(i);
                if (!d.phone().equals(wanted)) continue;
                long id = i + 1;
                customer = Optional.of(new Customer(id, d.phone(), d.firstName(), d.lastName(), d.tier()));
                long eventId = id * 100;
                for (DemoData.DemoEvent e : d.history()) {
                    newestFirst.addFirst(new CustomerEvent(++eventId, id, now.minus(e.ago()), e.type(), e.status(), e.attributes()));
                }
            }
        }
        Optional<Prediction> prediction = customer.flatMap(c -> new CallReasonPredictor().predict(set.reasons(), newestFirst, List.of(), c.tier(),
                Map.of("first_name", c.firstName(), "last_name", c.lastName(), "tier", c.tier()), now));
        return new FlowSimulation.Caller(number, customer, prediction);
    }

    /** "Alice Carter (gold, demo customer)" or "unknown number". */
    public String describe(FlowSimulation.Caller c) {
        return c.customer().map(x -> x.firstName() + " " + x.lastName() + " (" + x.tier() + (customers == null ? ", demo customer" : "") + ")")
                .orElse("unknown number" + (customers == null ? " (demo customers: " + String.join(", ", DemoData.CUSTOMERS.stream().map(DemoData.DemoCustomer::phone).toList()) + ")" : ""));
    }
}
