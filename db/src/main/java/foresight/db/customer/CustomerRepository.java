package foresight.db.customer;

import foresight.db.JsonText;
import org.jooq.DSLContext;
import org.jooq.JSONB;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static foresight.db.schema.Tables.CUSTOMERS;
import static foresight.db.schema.Tables.CUSTOMER_EVENTS;

/** Customers and their history. Thread-safe. */
public final class CustomerRepository {
    private final DSLContext dsl;

    public CustomerRepository(DSLContext dsl) { this.dsl = dsl; }

    /** Digits with a leading '+' kept, so "+1 (555) 0100" and "+15550100" match. */
    public static String normalisePhone(String raw) {
        if (raw == null) return "";
        String digits = raw.replaceAll("[^0-9+]", "");
        return digits.startsWith("+") ? "+" + digits.substring(1).replace("+", "") : digits.replace("+", "");
    }

    public Optional<Customer> findByPhone(String phone) {
        return dsl.selectFrom(CUSTOMERS).where(CUSTOMERS.PHONE.eq(normalisePhone(phone)))
                .fetchOptional(r -> new Customer(r.getId(), r.getPhone(), r.getFirstName(), r.getLastName(), r.getTier()));
    }

    public Optional<Customer> findById(long id) {
        return dsl.selectFrom(CUSTOMERS).where(CUSTOMERS.ID.eq(id))
                .fetchOptional(r -> new Customer(r.getId(), r.getPhone(), r.getFirstName(), r.getLastName(), r.getTier()));
    }

    public long count() { return dsl.fetchCount(CUSTOMERS); }

    public Customer insert(String phone, String firstName, String lastName, String tier) {
        var r = dsl.insertInto(CUSTOMERS)
                .set(CUSTOMERS.PHONE, normalisePhone(phone)).set(CUSTOMERS.FIRST_NAME, firstName)
                .set(CUSTOMERS.LAST_NAME, lastName).set(CUSTOMERS.TIER, tier)
                .returning().fetchOne();
        return new Customer(r.getId(), r.getPhone(), r.getFirstName(), r.getLastName(), r.getTier());
    }

    public long addEvent(long customerId, Instant at, String type, String status, Map<String, ?> attributes) {
        return dsl.insertInto(CUSTOMER_EVENTS)
                .set(CUSTOMER_EVENTS.CUSTOMER_ID, customerId)
                .set(CUSTOMER_EVENTS.OCCURRED_AT, at.atOffset(ZoneOffset.UTC))
                .set(CUSTOMER_EVENTS.TYPE, type).set(CUSTOMER_EVENTS.STATUS, status)
                .set(CUSTOMER_EVENTS.ATTRIBUTES, JSONB.valueOf(JsonText.write(attributes)))
                .returning(CUSTOMER_EVENTS.ID).fetchOne().getId();
    }

    /** The customer's history, newest first, at most {@code limit} rows. */
    public List<CustomerEvent> recentEvents(long customerId, int limit) {
        return dsl.selectFrom(CUSTOMER_EVENTS).where(CUSTOMER_EVENTS.CUSTOMER_ID.eq(customerId))
                .orderBy(CUSTOMER_EVENTS.OCCURRED_AT.desc(), CUSTOMER_EVENTS.ID.desc()).limit(limit)
                .fetch(r -> new CustomerEvent(r.getId(), r.getCustomerId(), toInstant(r.getOccurredAt()), r.getType(),
                        r.getStatus(), JsonText.readObject(r.getAttributes() == null ? null : r.getAttributes().data())));
    }

    /** Full histories of many customers at once, each oldest first (for training). */
    public Map<Long, List<CustomerEvent>> histories(java.util.Collection<Long> customerIds) {
        Map<Long, List<CustomerEvent>> out = new java.util.HashMap<>();
        for (var chunk : chunks(List.copyOf(customerIds), 1000)) {
            dsl.selectFrom(CUSTOMER_EVENTS).where(CUSTOMER_EVENTS.CUSTOMER_ID.in(chunk))
                    .orderBy(CUSTOMER_EVENTS.OCCURRED_AT, CUSTOMER_EVENTS.ID)
                    .forEach(r -> out.computeIfAbsent(r.getCustomerId(), k -> new java.util.ArrayList<>()).add(new CustomerEvent(r.getId(),
                            r.getCustomerId(), toInstant(r.getOccurredAt()), r.getType(), r.getStatus(),
                            JsonText.readObject(r.getAttributes() == null ? null : r.getAttributes().data()))));
        }
        return out;
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> out = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i += size) out.add(all.subList(i, Math.min(all.size(), i + size)));
        return out;
    }

    static Instant toInstant(OffsetDateTime t) { return t == null ? null : t.toInstant(); }
}
