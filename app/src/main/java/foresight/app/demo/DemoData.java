package foresight.app.demo;

import foresight.db.agent.AgentRepository;
import foresight.db.audit.UserRepository;
import foresight.db.customer.CustomerRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Demo customers with histories, two agents and nothing else, inserted once into an empty database so a new
 * user can call in and hear a prediction within minutes.
 */
public final class DemoData {
    /** A demo caller to print at start-up. */
    public record DemoCaller(String phone, String who, String expect) {}

    public static final List<DemoCaller> CALLERS = List.of(
            new DemoCaller("+15550100", "Alice Carter (gold)", "asked: refund for order 456?"),
            new DemoCaller("+15550101", "Bob Diaz", "asked: card ending in 4242?"),
            new DemoCaller("+15550102", "Carol Evans", "asked: failed payment of 120 dollars?"),
            new DemoCaller("+15550199", "unknown number", "asked: why are you calling?"));

    /** Demo agents: username, password, queues. */
    public static final List<String[]> AGENTS = List.of(
            new String[]{"1001", "1001secret", "Dana (refunds, cards, general)", "refunds,cards,general"},
            new String[]{"1002", "1002secret", "Eli (cards, general)", "cards,general"});

    private DemoData() {}

    /** Inserts the demo set unless customers already exist. Returns true when it did. */
    public static boolean seedIfEmpty(CustomerRepository customers, AgentRepository agents, String realm, Clock clock) {
        if (customers.count() > 0) return false;
        Instant now = clock.instant();
        var alice = customers.insert("+15550100", "Alice", "Carter", "gold");
        customers.addEvent(alice.id(), now.minus(Duration.ofDays(21)), "order_placed", "closed", Map.of("order_id", 456, "total", 89.90));
        customers.addEvent(alice.id(), now.minus(Duration.ofDays(2)), "refund_requested", "open", Map.of("order_id", 456, "amount", 89.90));
        var bob = customers.insert("+15550101", "Bob", "Diaz", "standard");
        customers.addEvent(bob.id(), now.minus(Duration.ofDays(30)), "order_placed", "closed", Map.of("order_id", 311));
        customers.addEvent(bob.id(), now.minus(Duration.ofHours(20)), "card_reported", "open", Map.of("last4", "4242", "kind", "stolen"));
        var carol = customers.insert("+15550102", "Carol", "Evans", "standard");
        customers.addEvent(carol.id(), now.minus(Duration.ofDays(1)), "payment_failed", "open", Map.of("amount", 120, "merchant", "Acme"));
        for (String[] a : AGENTS) agents.upsert(a[0], a[2], realm, a[1], Set.of(a[3].split(",")));
        return true;
    }

    /** Creates the admin API user with a fresh token when none exists; returns the token, or null. */
    public static String ensureAdmin(UserRepository users) { return ensureUser(users, "admin", "admin"); }

    /** Creates {@code username} with {@code role} and a fresh random token unless it exists; returns the token or null. */
    public static String ensureUser(UserRepository users, String username, String role) {
        if (users.exists(username)) return null;
        byte[] b = new byte[24];
        new java.security.SecureRandom().nextBytes(b);
        String token = java.util.HexFormat.of().formatHex(b);
        users.upsert(username, role, token);
        return token;
    }
}
