package foresight.app.http.auth;

import io.javalin.security.RouteRole;

import java.util.Locale;
import java.util.Optional;

/** The roles a route can require (Javalin route roles); a user's role in {@code users.role} names one of them. */
public enum Access implements RouteRole {
    ADMIN, SUPERVISOR, QA, AGENT, OPERATOR;

    /** The access a stored role grants; empty for a role no route knows. */
    public static Optional<Access> of(String role) {
        if (role == null) return Optional.empty();
        try {
            return Optional.of(valueOf(role.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Every role: for routes any logged-in user may use (logout). */
    public static final Access[] ANY = values();
}
