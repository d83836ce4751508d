package foresight.app.http.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Brute-force protection for the web logins, like the SIP registrar's: failures are counted per user name and per
 * source address; from the {@code threshold}-th failure in a row that key is locked out, first for {@code firstLock},
 * doubling with every further failure up to {@code maxLock}. A success clears the user's and the address's count; a
 * count is forgotten {@code maxLock} after its last failure. Thread-safe.
 */
public final class LoginGuard {
    /** The failures of one key and until when it is locked ({@link Instant#MIN}: not locked). */
    private record Failures(int count, Instant lockedUntil) {}

    private final Clock clock;
    private final int threshold;
    private final Duration firstLock;
    private final Duration maxLock;
    private final Cache<String, Failures> byKey;

    public LoginGuard(Clock clock, int threshold, Duration firstLock, Duration maxLock) {
        if (threshold < 1) throw new IllegalArgumentException("threshold=" + threshold);
        this.clock = clock;
        this.threshold = threshold;
        this.firstLock = firstLock;
        this.maxLock = maxLock;
        this.byKey = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(maxLock.multipliedBy(2)).build();
    }

    public static LoginGuard standard(Clock clock) { return new LoginGuard(clock, 5, Duration.ofSeconds(30), Duration.ofMinutes(15)); }

    /** How long the user (may be null: a token login names none) or the address must still wait; empty if neither is locked. */
    public Optional<Duration> lockedFor(String user, String address) {
        Instant now = clock.instant();
        Instant until = later(lockedUntil(userKey(user)), lockedUntil(addressKey(address)));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** Counts a failed login; returns the lockout it starts (empty while under the threshold). */
    public Optional<Duration> failed(String user, String address) {
        Duration a = count(userKey(user));
        Duration b = count(addressKey(address));
        Duration lock = a == null ? b : b == null ? a : (a.compareTo(b) >= 0 ? a : b);
        return Optional.ofNullable(lock);
    }

    public void succeeded(String user, String address) {
        if (userKey(user) != null) byKey.invalidate(userKey(user));
        if (addressKey(address) != null) byKey.invalidate(addressKey(address));
    }

    private Duration count(String key) {
        if (key == null) return null;
        Failures f = byKey.asMap().merge(key, new Failures(1, Instant.MIN), (old, one) -> new Failures(old.count() + 1, old.lockedUntil()));
        if (f.count() < threshold) return null;
        Duration lock = firstLock.multipliedBy(1L << Math.min(20, f.count() - threshold));
        if (lock.compareTo(maxLock) > 0) lock = maxLock;
        byKey.put(key, new Failures(f.count(), clock.instant().plus(lock)));
        return lock;
    }

    private Instant lockedUntil(String key) {
        Failures f = key == null ? null : byKey.getIfPresent(key);
        return f == null ? Instant.MIN : f.lockedUntil();
    }

    private static Instant later(Instant a, Instant b) { return a.isAfter(b) ? a : b; }

    private static String userKey(String user) { return user == null || user.isBlank() ? null : "user:" + user.trim(); }

    private static String addressKey(String address) { return address == null ? null : "addr:" + address; }
}
