package foresight.app.http.auth;

import foresight.db.audit.User;
import foresight.db.audit.UserRepository;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.security.RouteRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place HTTP requests are authenticated: a Javalin {@code beforeMatched} filter that reads the route's roles
 * ({@link Access}), finds who is asking (an {@code Authorization: Bearer} API token, or the session cookie), answers
 * 401 / a redirect to the login page when nobody is, 403 (audited) when their role is not among the route's, and 403
 * for a form POST of a session without its CSRF token. Routes without roles are open. Handlers read the caller with
 * {@link #principal(Context)}.
 */
public final class WebAuth {
    public static final String COOKIE = "foresight_session";
    public static final String CSRF_FIELD = "_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String ATTRIBUTE = "foresight.principal";

    /** Who is asking: their user name and role, and their browser session (null when they came with a bearer token). */
    public record Principal(String username, String role, Session session) {
        /** The token forms must send back; null for bearer requests (which need none: no ambient credential). */
        public String csrf() { return session == null ? null : session.csrf(); }
    }

    /** Answers a refused page request (title, message): the pages render it in their layout. */
    public interface Refusal {
        void page(Context ctx, String title, String message);
    }

    private final UserRepository users;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final Refusal refusal;

    public WebAuth(UserRepository users, Sessions sessions, LoginGuard guard, Refusal refusal) {
        this.users = users;
        this.sessions = sessions;
        this.guard = guard;
        this.refusal = refusal;
    }

    public static WebAuth standard(UserRepository users, Clock clock, Refusal refusal) {
        return new WebAuth(users, new Sessions(clock, 10_000, Duration.ofHours(8), Duration.ofHours(24)), LoginGuard.standard(clock), refusal);
    }

    public Sessions sessions() { return sessions; }

    public LoginGuard guard() { return guard; }

    /** The caller the filter let through; only on routes with roles. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) throw new IllegalStateException("no principal on " + ctx.method() + " " + ctx.path() + ": the route declares no roles");
        return p;
    }

    /** The filter (register with {@code routes.beforeMatched}). */
    public void filter(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) return;
        Optional<Principal> who = bearer(ctx).or(() -> session(ctx));
        boolean api = ctx.path().startsWith("/api/") || ctx.path().equals("/flows/versions"); // JSON, not a page: 401, no redirect
        if (who.isEmpty()) {
            if (api) {
                ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                        .json(Map.of("error", "a valid token is required (Authorization: Bearer <token>)"));
            } else {
                ctx.redirect(loginPage(ctx.path()));
            }
            ctx.skipRemainingHandlers();
            return;
        }
        Principal p = who.get();
        if (Access.of(p.role()).filter(roles::contains).isEmpty()) {
            users.audit(p.username(), "denied", ctx.method() + " " + ctx.path());
            refuse(ctx, api, "role " + p.role() + " may not do this (" + ctx.method() + " " + ctx.path() + ")",
                    "Your role (" + p.role() + ") may not open this page.");
            return;
        }
        if (p.session() != null && !"GET".equals(ctx.method().name()) && !"HEAD".equals(ctx.method().name()) && !csrfMatches(ctx, p.session())) {
            users.audit(p.username(), "csrf_refused", ctx.method() + " " + ctx.path());
            refuse(ctx, api, "this form has no valid CSRF token (" + CSRF_FIELD + " field or " + CSRF_HEADER + " header)",
                    "This form is out of date; open the page again and resend.");
            return;
        }
        ctx.attribute(ATTRIBUTE, p);
    }

    private void refuse(Context ctx, boolean api, String apiMessage, String pageMessage) {
        ctx.status(HttpStatus.FORBIDDEN);
        if (api) ctx.json(Map.of("error", apiMessage));
        else refusal.page(ctx, "Not allowed", pageMessage);
        ctx.skipRemainingHandlers();
    }

    private static boolean csrfMatches(Context ctx, Session s) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null || sent.isEmpty()) sent = ctx.formParam(CSRF_FIELD);
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    private Optional<Principal> bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.startsWith("Bearer ")) return Optional.empty();
        return users.byToken(h.substring(7).trim()).map(u -> new Principal(u.username(), u.role(), null));
    }

    private Optional<Principal> session(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE)).map(s -> new Principal(s.username(), s.role(), s));
    }

    private static String loginPage(String path) {
        if (path.startsWith("/agent")) return "/agent/login";
        if (path.startsWith("/wallboard")) return "/wallboard/login";
        if (path.startsWith("/flows")) return "/flows/login";
        return "/qa/login";
    }

    // ---- logging in and out ----------------------------------------------------------------------------------

    /** Outcome of a login attempt checked by {@link #login}. */
    public sealed interface Attempt permits Attempt.LoggedIn, Attempt.Failed, Attempt.Locked {
        record LoggedIn(Session session) implements Attempt {}
        record Failed() implements Attempt {}
        record Locked(Duration retryAfter) implements Attempt {}
    }

    /**
     * A web login, throttled: refused with {@code Locked} while the user or the address is locked out (not even
     * checked); otherwise {@code check} decides, a failure is counted and audited, and a success replaces any old
     * session of this browser with a new one (new id, new CSRF token) and sets its cookie.
     *
     * @param claimed the user name typed, or null for a token login (then only the address is counted)
     * @param area    which login ({@code qa}, {@code agent}, {@code wallboard}), for the audit
     */
    public Attempt login(Context ctx, String claimed, String area, java.util.function.Supplier<Optional<User>> check) {
        String address = ctx.ip();
        String who = claimed == null || claimed.isBlank() ? "-" : claimed.trim();
        Optional<Duration> locked = guard.lockedFor(claimed, address);
        if (locked.isPresent()) {
            users.audit(who, "login_locked", area + " from " + address);
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            ctx.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", String.valueOf(seconds));
            return new Attempt.Locked(Duration.ofSeconds(seconds));
        }
        Optional<User> user = check.get();
        if (user.isEmpty()) {
            users.audit(who, "login_failed", area + " from " + address);
            guard.failed(claimed, address).ifPresent(lock -> users.audit(who, "login_lockout", area + " from " + address + " for " + lock.toSeconds() + " s"));
            ctx.status(HttpStatus.UNAUTHORIZED);
            return new Attempt.Failed();
        }
        guard.succeeded(claimed, address);
        sessions.delete(ctx.cookie(COOKIE));
        Session s = sessions.create(user.get().username(), user.get().role());
        ctx.cookie(cookie(s.id()));
        users.audit(user.get().username(), "login", area);
        return new Attempt.LoggedIn(s);
    }

    /** Ends this browser's session (server side) and deletes its cookie. */
    public void logout(Context ctx) {
        sessions.delete(ctx.cookie(COOKIE));
        ctx.removeCookie(COOKIE, "/");
    }

    /** The session cookie: HttpOnly, SameSite=Strict, whole site; it lives as long as the browser session (the server forgets it sooner). */
    private static Cookie cookie(String id) {
        Cookie c = new Cookie(COOKIE, id);
        c.setHttpOnly(true);
        c.setPath("/");
        c.setSameSite(SameSite.STRICT);
        return c;
    }
}
