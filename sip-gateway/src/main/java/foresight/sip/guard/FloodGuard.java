package foresight.sip.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first check on every out-of-dialog request, before any work is done for it: drops requests from known
 * scanner user agents, rate-limits each source address with a token bucket, and bans a source for a while after
 * repeated failed logins. Dropped requests get no response (a response would tell a scanner someone is here).
 * Thread-safe: per-address state is updated atomically through {@link ConcurrentHashMap#compute}.
 */
public final class FloodGuard {
    /** Requests per second per source (with a burst allowance), failed logins before a ban, and the ban length. */
    public record Settings(double requestsPerSecond, int burst, int maxAuthFailures, Duration ban) {
        public static final Settings DEFAULT = new Settings(20, 60, 5, Duration.ofMinutes(10));

        public Settings {
            if (requestsPerSecond <= 0 || burst < 1) throw new IllegalArgumentException("rate and burst must be positive");
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
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> bannedUntil = new ConcurrentHashMap<>();
    private final AtomicLong droppedScanner = new AtomicLong();
    private final AtomicLong droppedRate = new AtomicLong();
    private final AtomicLong droppedBanned = new AtomicLong();
    private final AtomicLong bans = new AtomicLong();

    public FloodGuard(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
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
}
