package foresight.sip.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * Thread-safe: per-address state is updated atomically through the caches' {@code asMap().compute}.
 * Per-address state is bounded (Caffeine, at most {@link #DEFAULT_MAX_SOURCES} addresses each, so a spoofed-source
 * flood cannot exhaust memory) and expires once it no longer matters: a bucket once it would be full again, a
 * failure count or a ban once the ban time has passed. Expiry runs on the guard's own time (the {@code nowNanos}
 * it is given, and its {@link Clock}), so tests with a fixed clock stay exact.
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
    /** Source addresses tracked at most, per kind of state (a bucket is ~100 bytes). */
    static final int DEFAULT_MAX_SOURCES = 100_000;

    private record Bucket(double tokens, long atNanos) {}

    private record Failures(int count, Instant first) {}

    private final Settings settings;
    private final TrustedPeers trusted;
    private final Clock clock;
    private final ReentrantLock callLock = new ReentrantLock();
    private double callTokens; // guarded by callLock
    private long callTokensAtNanos = Long.MIN_VALUE; // guarded by callLock
    private final AtomicLong refusedOverload = new AtomicLong();
    /** The latest {@code nowNanos} a check was given: the buckets' clock. */
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private final Cache<String, Bucket> buckets;
    private final Cache<String, Failures> failures;
    private final Cache<String, Instant> bannedUntil;
    private final AtomicLong droppedScanner = new AtomicLong();
    private final AtomicLong droppedRate = new AtomicLong();
    private final AtomicLong droppedBanned = new AtomicLong();
    private final AtomicLong bans = new AtomicLong();

    public FloodGuard(Settings settings, Clock clock) { this(settings, TrustedPeers.NONE, clock); }

    public FloodGuard(Settings settings, TrustedPeers trusted, Clock clock) { this(settings, trusted, clock, DEFAULT_MAX_SOURCES); }

    FloodGuard(Settings settings, TrustedPeers trusted, Clock clock, int maxSources) {
        this.settings = settings;
        this.trusted = trusted;
        this.clock = clock;
        // An idle bucket is full again after burst / rate seconds: forgetting it then changes nothing.
        Duration refill = Duration.ofNanos((long) Math.ceil(settings.burst() / settings.requestsPerSecond() * 1e9));
        Ticker wallTicker = () -> clock.millis() * 1_000_000L;
        this.buckets = Caffeine.newBuilder().maximumSize(maxSources).expireAfterAccess(refill)
                .ticker(lastNanos::get).executor(Runnable::run).build();
        this.failures = Caffeine.newBuilder().maximumSize(maxSources).expireAfterWrite(settings.ban())
                .ticker(wallTicker).executor(Runnable::run).build();
        this.bannedUntil = Caffeine.newBuilder().maximumSize(maxSources).expireAfterWrite(settings.ban())
                .ticker(wallTicker).executor(Runnable::run).build();
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
        Instant until = bannedUntil.getIfPresent(source);
        if (until != null) {
            if (clock.instant().isBefore(until)) {
                droppedBanned.incrementAndGet();
                return Verdict.BANNED;
            }
            bannedUntil.asMap().remove(source, until);
        }
        lastNanos.accumulateAndGet(nowNanos, (last, now) -> last == Long.MIN_VALUE ? now : Math.max(last, now));
        boolean[] allowed = new boolean[1];
        buckets.asMap().compute(source, (k, b) -> {
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
        Failures f = failures.asMap().compute(source, (k, old) -> old == null || old.first().plus(settings.ban()).isBefore(now)
                ? new Failures(1, now) : new Failures(old.count() + 1, old.first()));
        if (f.count() >= settings.maxAuthFailures()) {
            bannedUntil.put(source, now.plus(settings.ban()));
            failures.invalidate(source);
            bans.incrementAndGet();
            return true;
        }
        return false;
    }

    public void authSucceeded(String source) { failures.invalidate(source); }

    /** Source addresses with a rate-limit bucket, failure count or ban held now (for tests and diagnostics). */
    long trackedSources() {
        buckets.cleanUp();
        failures.cleanUp();
        bannedUntil.cleanUp();
        return buckets.estimatedSize() + failures.estimatedSize() + bannedUntil.estimatedSize();
    }

    public long droppedScanner() { return droppedScanner.get(); }

    public long droppedRateLimited() { return droppedRate.get(); }

    public long droppedBanned() { return droppedBanned.get(); }

    public long bans() { return bans.get(); }

    /** New calls refused because the node was at {@code maxCallsPerSecond}. */
    public long refusedOverload() { return refusedOverload.get(); }
}
