package foresight.app.http.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The server-side session store: random id → {@link Session}. Bounded (oldest dropped past {@code maxSessions}),
 * forgotten after {@code idle} without a request and {@code lifetime} after login whatever happens. Thread-safe.
 */
public final class Sessions {
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Session> byId;
    private final Clock clock;
    private final Duration lifetime;

    public Sessions(Clock clock, int maxSessions, Duration idle, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.byId = Caffeine.newBuilder().maximumSize(maxSessions).expireAfterAccess(idle).build();
    }

    /** A new session for the user, with its own CSRF token. */
    public Session create(String username, String role) {
        Session s = new Session(randomHex(20), username, role, randomHex(20), clock.instant().plus(lifetime));
        byId.put(s.id(), s);
        return s;
    }

    /** The live session with that id; an expired one is removed. */
    public Optional<Session> find(String id) {
        if (id == null) return Optional.empty();
        Session s = byId.getIfPresent(id);
        if (s != null && !clock.instant().isBefore(s.expires())) {
            byId.invalidate(id);
            return Optional.empty();
        }
        return Optional.ofNullable(s);
    }

    public void delete(String id) {
        if (id != null) byId.invalidate(id);
    }

    public long size() {
        byId.cleanUp();
        return byId.estimatedSize();
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
