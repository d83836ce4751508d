package foresight.sip.trunk;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code trunks.yml} says: the trunks by name, the dial rules, the trunk for numbers no rule matches
 * ({@code defaultTrunk}, null: such numbers are refused) and the country code national numbers get
 * ({@link E164#normalise}). Immutable; a reload builds a new one.
 */
public record TrunkPlan(String countryCode, Map<String, Trunk> trunks, List<DialRule> rules, String defaultTrunk) {
    /** No trunks: every phone number is refused with {@code no_route}. */
    public static final TrunkPlan NONE = new TrunkPlan("1", Map.of(), List.of(), null);

    public TrunkPlan {
        if (countryCode == null || !countryCode.matches("[1-9][0-9]{0,2}")) throw new IllegalArgumentException("countryCode must be 1-3 digits, was '" + countryCode + "'");
        trunks = Map.copyOf(trunks);
        rules = List.copyOf(rules);
        for (DialRule r : rules) if (!trunks.containsKey(r.trunk())) throw new IllegalArgumentException("dial rule " + r.prefix() + " names unknown trunk '" + r.trunk() + "'");
        if (defaultTrunk != null && !trunks.containsKey(defaultTrunk)) throw new IllegalArgumentException("default trunk '" + defaultTrunk + "' is not defined");
    }

    /**
     * The trunk and E.164 form of {@code dialled}: the longest matching rule's trunk, else the default trunk.
     *
     * @throws TrunkUnavailableException {@code bad_number} or {@code no_route}, naming the number
     */
    public TrunkRoute route(String dialled) throws TrunkUnavailableException {
        String e164;
        try {
            e164 = E164.normalise(dialled.startsWith("tel:") ? dialled.substring(4) : dialled, countryCode);
        } catch (IllegalArgumentException e) {
            throw new TrunkUnavailableException("bad_number", e.getMessage());
        }
        DialRule best = null;
        for (DialRule r : rules) if (r.matches(e164) && (best == null || r.prefix().length() > best.prefix().length())) best = r;
        String name = best != null ? best.trunk() : defaultTrunk;
        if (name == null) {
            throw new TrunkUnavailableException("no_route", trunks.isEmpty() ? "no trunks are configured (trunks.yml) to dial " + masked(e164)
                    : "no dial rule matches " + masked(e164) + " and there is no default trunk");
        }
        return new TrunkRoute(trunks.get(name), e164);
    }

    /**
     * True if {@code target} is a phone number to dial over a trunk ({@code tel:} URI or digits with the usual
     * separators) rather than a SIP URI of a phone or agent.
     */
    public static boolean isPhoneNumber(String target) {
        if (target == null) return false;
        String t = target.strip();
        if (t.startsWith("tel:")) return true;
        return t.matches("\\+?[0-9 .()\\-]{3,30}") && t.chars().anyMatch(Character::isDigit);
    }

    /** Last four digits only (house rule: no full numbers in logs). */
    static String masked(String n) {
        return n.length() <= 4 ? "****" : "*".repeat(n.length() - 4) + n.substring(n.length() - 4);
    }
}
