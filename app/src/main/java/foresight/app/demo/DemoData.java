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

    /** A demo customer as seeded: who, and their history (oldest first). */
    public record DemoCustomer(String phone, String firstName, String lastName, String tier, List<DemoEvent> history) {}

    /** One history event, {@code ago} before the moment of seeding (or of a simulated call). */
    public record DemoEvent(Duration ago, String type, String status, Map<String, Object> attributes) {}

    /** The demo customers: seeded into an empty database, and looked up by {@code simulate} without one. */
    public static final List<DemoCustomer> CUSTOMERS = List.of(
            new DemoCustomer("+15550100", "Alice", "Carter", "gold", List.of(
                    new DemoEvent(Duration.ofDays(21), "order_placed", "closed", Map.of("order_id", 456, "total", 89.90)),
                    new DemoEvent(Duration.ofDays(2), "refund_requested", "open", Map.of("order_id", 456, "amount", 89.90)))),
            new DemoCustomer("+15550101", "Bob", "Diaz", "standard", List.of(
                    new DemoEvent(Duration.ofDays(30), "order_placed", "closed", Map.of("order_id", 311)),
                    new DemoEvent(Duration.ofHours(20), "card_reported", "open", Map.of("last4", "4242", "kind", "stolen")))),
            new DemoCustomer("+15550102", "Carol", "Evans", "standard", List.of(
                    new DemoEvent(Duration.ofDays(1), "payment_failed", "open", Map.of("amount", 120, "merchant", "Acme")))));

    /** A demo agent: SIP username and password (published: see README), display name, skills. */
    public record DemoAgent(String username, String password, String name, Set<String> skills) {}

    public static final List<DemoAgent> AGENTS = List.of(
            new DemoAgent("1001", "1001secret", "Dana (refunds, cards, general)", Set.of("refunds", "cards", "general")),
            new DemoAgent("1002", "1002secret", "Eli (cards, general)", Set.of("cards", "general")));

    private DemoData() {}

    /** Inserts the demo set unless customers already exist. Returns true when it did. */
    public static boolean seedIfEmpty(CustomerRepository customers, AgentRepository agents, String realm, Clock clock) {
        if (customers.count() > 0) return false;
        Instant now = clock.instant();
        for (DemoCustomer c : CUSTOMERS) {
            var row = customers.insert(c.phone(), c.firstName(), c.lastName(), c.tier());
            for (DemoEvent e : c.history()) customers.addEvent(row.id(), now.minus(e.ago()), e.type(), e.status(), e.attributes());
        }
        for (DemoAgent a : AGENTS) agents.upsert(a.username(), a.name(), realm, a.password(), a.skills());
        return true;
    }

    /** Creates the admin API user with a fresh token when none exists; returns the token, or null. */
    public static String ensureAdmin(UserRepository users) { return ensureUser(users, "admin", "admin"); }

    /** Creates {@code username} with {@code role} and a fresh random token unless it exists; returns the token or null. */
    public static String ensureUser(UserRepository users, String username, String role) {
        if (users.exists(username)) return null;
        String token = newToken();
        users.upsert(username, role, token);
        return token;
    }

    /** A fresh random API token: 24 random bytes in hex. */
    public static String newToken() {
        byte[] b = new byte[24];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
