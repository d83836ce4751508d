package foresight.sip.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The first check on every out-of-dialog request, before any work is done for it: drops requests from known
 * scanner user agents, rate-limits each source address with a token bucket, and bans a source for a while after
 * repeated failed logins. Dropped requests get no response (a response would tell a scanner someone is here);
 * the gateway answers a rate-limited INVITE 503, so a caller behind a busy source is told to retry.
 * {@link TrustedPeers} (a carrier's SBC, the cluster's proxy) skip the per-source limit and are never banned.
 * New calls from everywhere also pass a node-wide ceiling ({@link #admitCall}): above it they are refused, so an
 * overload is turned away instead of slowing every call down.
 * Thread-safe: per-address state is updated atomically through {@link ConcurrentHashMap#compute}.
 */
public final class FloodGuard {
    /**
     * Requests per second per source (with a burst allowance), failed logins before a ban, the ban length, and new
     * calls per second the whole node accepts (a one-second burst; 0: no ceiling).
     */
    public record Settings(double requestsPerSecond, int burst, int maxAuthFailures, Duration ban, double maxCallsPerSecond) {
        public static final Settings DEFAULT = new Settings(20, 60, 5, Duration.ofMinutes(10), 0);

        public Settings(double requestsPerSecond, int burst, int maxAuthFailures, Duration ban) {
            this(requestsPerSecond, burst, maxAuthFailures, ban, 0);
        }

        public Settings {
            if (requestsPerSecond <= 0 || burst < 1) throw new IllegalArgumentException("rate and burst must be positive");
            if (maxCallsPerSecond < 0) throw new IllegalArgumentException("sip.guard.maxCallsPerSecond must be >= 0 (0: no ceiling)");
        }
    }

    /** What to do with a request. */
    public enum Verdict { PASS, SCANNER, RATE_LIMITED, BANNED }

    /** User-Agent substrings of SIP scanners and toll-fraud tools seen on the Internet (lower case). */
    static final List<String> SCANNER_AGENTS = List.of("friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent",
            "sundayddr", "sip-scan", "iwar", "sipsak", "pplsip", "smap", "sipptk", "voip-scanner", "nmap");
    private static final int MAX_TRACKED = 100_000;

    private record Bucket(double tokens, long atNanos) {}

    private record Failures(int count, Instant first) {}

    private final Settings settings;
    private final TrustedPeers trusted;
    private final Clock clock;
    private final ReentrantLock callLock = new ReentrantLock();
    private double callTokens; // guarded by callLock
    private long callTokensAtNanos = Long.MIN_VALUE; // guarded by callLock
    private final AtomicLong refusedOverload = new AtomicLong();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> bannedUntil = new ConcurrentHashMap<>();
    private final AtomicLong droppedScanner = new AtomicLong();
    private final AtomicLong droppedRate = new AtomicLong();
    private final AtomicLong droppedBanned = new AtomicLong();
    private final AtomicLong bans = new AtomicLong();

    public FloodGuard(Settings settings, Clock clock) { this(settings, TrustedPeers.NONE, clock); }

    public FloodGuard(Settings settings, TrustedPeers trusted, Clock clock) {
        this.settings = settings;
        this.trusted = trusted;
        this.clock = clock;
    }

    /** True if {@code source} is a trusted peer (no per-source limit, no ban). */
    public boolean trusted(String source) { return trusted.contains(source); }

    /**
     * Whether the node takes one more new call now, under {@code maxCallsPerSecond} (a token bucket holding one
     * second's worth). Applies to trusted peers too: it is the node's capacity, not a source's share.
     */
    public boolean admitCall(long nowNanos) {
        double max = settings.maxCallsPerSecond();
        if (max <= 0) return true;
        callLock.lock();
        try {
            callTokens = callTokensAtNanos == Long.MIN_VALUE ? max
                    : Math.min(max, callTokens + (nowNanos - callTokensAtNanos) / 1e9 * max);
            callTokensAtNanos = nowNanos;
            if (callTokens >= 1) {
                callTokens -= 1;
                return true;
            }
        } finally {
            callLock.unlock();
        }
        refusedOverload.incrementAndGet();
        return false;
    }

    /** Decides on one request from {@code source} (an IP address) with the given User-Agent (may be null). */
    public Verdict check(String source, String userAgent, long nowNanos) {
        if (userAgent != null) {
            String ua = userAgent.toLowerCase(Locale.ROOT);
            for (String s : SCANNER_AGENTS) {
                if (ua.contains(s)) {
                    droppedScanner.incrementAndGet();
                    return Verdict.SCANNER;
                }
            }
        }
        if (trusted.contains(source)) return Verdict.PASS;
        Instant until = bannedUntil.get(source);
        if (until != null) {
            if (clock.instant().isBefore(until)) {
                droppedBanned.incrementAndGet();
                return Verdict.BANNED;
            }
            bannedUntil.remove(source, until);
        }
        if (buckets.size() > MAX_TRACKED) buckets.clear(); // a spoofed-source flood must not exhaust memory
        boolean[] allowed = new boolean[1];
        buckets.compute(source, (k, b) -> {
            double tokens = b == null ? settings.burst()
                    : Math.min(settings.burst(), b.tokens() + (nowNanos - b.atNanos()) / 1e9 * settings.requestsPerSecond());
            allowed[0] = tokens >= 1;
            return new Bucket(allowed[0] ? tokens - 1 : tokens, nowNanos);
        });
        if (!allowed[0]) {
            droppedRate.incrementAndGet();
            return Verdict.RATE_LIMITED;
        }
        return Verdict.PASS;
    }

    /** Counts a failed login; the {@code maxAuthFailures}-th within the ban window bans the source. Returns true on a new ban. */
    public boolean authFailed(String source) {
        if (trusted.contains(source)) return false; // a proxy relays many phones' logins: never ban it
        Instant now = clock.instant();
        Failures f = failures.compute(source, (k, old) -> old == null || old.first().plus(settings.ban()).isBefore(now)
                ? new Failures(1, now) : new Failures(old.count() + 1, old.first()));
        if (f.count() >= settings.maxAuthFailures()) {
            bannedUntil.put(source, now.plus(settings.ban()));
            failures.remove(source);
            bans.incrementAndGet();
            return true;
        }
        return false;
    }

    public void authSucceeded(String source) { failures.remove(source); }

    public long droppedScanner() { return droppedScanner.get(); }

    public long droppedRateLimited() { return droppedRate.get(); }

    public long droppedBanned() { return droppedBanned.get(); }

    public long bans() { return bans.get(); }

    /** New calls refused because the node was at {@code maxCallsPerSecond}. */
    public long refusedOverload() { return refusedOverload.get(); }
}
