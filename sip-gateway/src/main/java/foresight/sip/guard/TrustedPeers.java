package foresight.sip.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses and CIDR blocks (IPv4 or IPv6, e.g. {@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code 2001:db8::/32}, or a
 * bare address) whose requests skip the per-source limits: a carrier's SBC or the cluster's proxy sends every call
 * from one address. Immutable and thread-safe.
 */
public final class TrustedPeers {
    public static final TrustedPeers NONE = new TrustedPeers(List.of());

    private record Block(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) return false;
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
            int rest = prefixBits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;
    private final List<String> entries;

    private TrustedPeers(List<String> entries) {
        this.entries = List.copyOf(entries);
        var out = new ArrayList<Block>();
        for (String e : entries) out.add(parse(e));
        this.blocks = List.copyOf(out);
    }

    /** Parses each entry; a malformed one is an {@link IllegalArgumentException} naming it. Host names are not resolved. */
    public static TrustedPeers of(List<String> entries) {
        var cleaned = new ArrayList<String>();
        for (String e : entries == null ? List.<String>of() : entries) {
            for (String part : e.split(",")) if (!part.isBlank()) cleaned.add(part.trim());
        }
        return cleaned.isEmpty() ? NONE : new TrustedPeers(cleaned);
    }

    private static Block parse(String entry) {
        int slash = entry.indexOf('/');
        String addr = slash < 0 ? entry : entry.substring(0, slash);
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("sip.trusted: '" + entry + "' is not an IP address or CIDR block (host names are not allowed)");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(addr).getAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("sip.trusted: '" + entry + "' is not an IP address", e);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sip.trusted: '" + entry + "' has no prefix length after '/'", e);
            }
            if (bits < 0 || bits > network.length * 8) throw new IllegalArgumentException("sip.trusted: '" + entry + "' prefix length out of range");
        }
        return new Block(network, bits);
    }

    /** True if {@code address} (a literal IP address, as the transport saw it) is inside one of the blocks. */
    public boolean contains(String address) {
        if (blocks.isEmpty() || address == null) return false;
        byte[] a;
        try {
            if (!address.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%a-zA-Z]*")) return false;
            a = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        for (Block b : blocks) if (b.contains(a)) return true;
        return false;
    }

    public boolean isEmpty() { return blocks.isEmpty(); }

    @Override
    public String toString() { return String.join(",", entries); }
}
