package foresight.sip.trunk;

/**
 * Dialled numbers normalised to E.164 ({@code +} and 8 to 15 digits, ITU-T E.164 §6), the form carriers expect on an
 * outbound trunk. Accepts what agents and callers type: spaces, dots, dashes and parentheses are dropped; {@code +}
 * or the international prefix {@code 00} (or {@code 011} in North America) starts an international number; anything
 * else is national and gets {@code countryCode}, after dropping one national trunk prefix {@code 0} (as in 020 7946
 * 0018 in the UK). Not a numbering-plan database: it does not know each country's number lengths.
 */
public final class E164 {
    private E164() { }

    /**
     * {@code dialled} as {@code +<digits>}. {@code countryCode} (digits, e.g. "1", "44") is used for national numbers.
     *
     * @throws IllegalArgumentException naming the number when it has letters or other symbols, or is too short or too
     *                                  long once normalised
     */
    public static String normalise(String dialled, String countryCode) {
        if (dialled == null || dialled.isBlank()) throw new IllegalArgumentException("empty number");
        if (countryCode == null || !countryCode.matches("[1-9][0-9]{0,2}")) throw new IllegalArgumentException("country code must be 1-3 digits, was '" + countryCode + "'");
        String s = dialled.strip().replaceAll("[\\s.()\\-]", "");
        if (!s.matches("\\+?[0-9]+")) throw new IllegalArgumentException("not a phone number: '" + dialled + "'");
        String international;
        if (s.startsWith("+")) international = s.substring(1);
        else if (s.startsWith("00")) international = s.substring(2);
        else if (countryCode.equals("1") && s.startsWith("011")) international = s.substring(3);
        else if (countryCode.equals("1") && s.length() == 11 && s.startsWith("1")) international = s; // 1 555 010 0199
        else international = countryCode + (s.startsWith("0") ? s.substring(1) : s);
        if (international.startsWith("0")) throw new IllegalArgumentException("not a phone number: '" + dialled + "' (no country code starts with 0)");
        if (international.length() < 8 || international.length() > 15) {
            throw new IllegalArgumentException("not a phone number: '" + dialled + "' (+" + international + " has " + international.length()
                    + " digits; E.164 numbers have 8 to 15)");
        }
        return "+" + international;
    }
}
