package foresight.db.customer;

import java.time.Instant;
import java.util.Map;

/** One thing that happened to a customer: an order, a refund request, a card report, a ticket. */
public record CustomerEvent(long id, long customerId, Instant occurredAt, String type, String status, Map<String, Object> attributes) {
    public CustomerEvent {
        attributes = Map.copyOf(attributes);
    }
}
