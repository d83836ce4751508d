package foresight.app.http.auth;

import java.time.Instant;

/**
 * A logged-in browser, kept on the server: the cookie holds only {@code id} (random, 160 bits), never a token or
 * password. {@code csrf} must come back with every form POST.
 */
public record Session(String id, String username, String role, String csrf, Instant expires) {
    public Session {
        if (id == null || id.length() < 32) throw new IllegalArgumentException("session id too short");
        if (username == null || role == null || csrf == null || expires == null) throw new IllegalArgumentException("session without user, role, csrf or expiry");
    }
}
