package foresight.sip.trunk;

/**
 * Numbers starting with {@code prefix} (in E.164 form, e.g. {@code +44} or {@code +1800}) go out over {@code trunk}.
 * The longest matching prefix wins, as in least-cost routing tables.
 */
public record DialRule(String prefix, String trunk) {
    public DialRule {
        if (prefix == null || !prefix.matches("\\+[0-9]{0,15}")) throw new IllegalArgumentException("prefix must be '+' and up to 15 digits (E.164), was '" + prefix + "'");
        if (trunk == null || trunk.isBlank()) throw new IllegalArgumentException("a dial rule needs a trunk");
    }

    boolean matches(String e164) { return e164.startsWith(prefix); }
}
