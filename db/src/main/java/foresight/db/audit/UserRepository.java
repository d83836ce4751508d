package foresight.db.audit;

import org.jooq.DSLContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import static foresight.db.schema.Tables.AUDIT_LOG;
import static foresight.db.schema.Tables.USERS;

/** API users (only a SHA-256 of each token is stored) and the audit log of who looked at what. */
public final class UserRepository {
    private final DSLContext dsl;

    public UserRepository(DSLContext dsl) { this.dsl = dsl; }

    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    public void upsert(String username, String role, String token) {
        dsl.insertInto(USERS).set(USERS.USERNAME, username).set(USERS.ROLE, role).set(USERS.TOKEN_SHA256, sha256(token))
                .onConflict(USERS.USERNAME).doUpdate().set(USERS.ROLE, role).set(USERS.TOKEN_SHA256, sha256(token)).execute();
    }

    public boolean exists(String username) {
        return dsl.fetchExists(USERS, USERS.USERNAME.eq(username));
    }

    public Optional<User> byToken(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        return dsl.selectFrom(USERS).where(USERS.TOKEN_SHA256.eq(sha256(token)))
                .fetchOptional(r -> new User(r.getId(), r.getUsername(), r.getRole()));
    }

    public void audit(String username, String action, String target) {
        dsl.insertInto(AUDIT_LOG).set(AUDIT_LOG.USERNAME, username).set(AUDIT_LOG.ACTION, action)
                .set(AUDIT_LOG.TARGET, target.length() > 255 ? target.substring(0, 255) : target).execute();
    }

    public int auditCount(String action) {
        return dsl.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTION.eq(action));
    }
}
