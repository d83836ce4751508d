package foresight.db.agent;

import org.jooq.DSLContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static foresight.db.schema.Tables.AGENTS;
import static foresight.db.schema.Tables.AGENT_QUEUES;
import static foresight.db.schema.Tables.AGENT_STATE_CHANGES;
import static foresight.db.schema.Tables.REGISTRATIONS;

/** Agents, their queues, their registered SIP contacts and state changes. Thread-safe. */
public final class AgentRepository {
    private final DSLContext dsl;

    public AgentRepository(DSLContext dsl) { this.dsl = dsl; }

    public static String ha1(String username, String realm, String password) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from this JDK", e);
        }
    }

    /** Creates the agent, or updates password and queues when the username exists. */
    public Agent upsert(String username, String displayName, String realm, String password, Set<String> queues) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            long id = d.insertInto(AGENTS).set(AGENTS.USERNAME, username).set(AGENTS.DISPLAY_NAME, displayName)
                    .set(AGENTS.REALM, realm).set(AGENTS.PASSWORD_HA1, ha1(username, realm, password))
                    .onConflict(AGENTS.USERNAME).doUpdate()
                    .set(AGENTS.DISPLAY_NAME, displayName).set(AGENTS.REALM, realm).set(AGENTS.PASSWORD_HA1, ha1(username, realm, password))
                    .returning(AGENTS.ID).fetchOne().getId();
            d.deleteFrom(AGENT_QUEUES).where(AGENT_QUEUES.AGENT_ID.eq(id)).execute();
            for (String q : queues) d.insertInto(AGENT_QUEUES).set(AGENT_QUEUES.AGENT_ID, id).set(AGENT_QUEUES.QUEUE, q).execute();
            return new Agent(id, username, displayName, ha1(username, realm, password), realm, queues);
        });
    }

    public Optional<Agent> findByUsername(String username) {
        return dsl.selectFrom(AGENTS).where(AGENTS.USERNAME.eq(username)).fetchOptional()
                .map(r -> new Agent(r.getId(), r.getUsername(), r.getDisplayName(), r.getPasswordHa1(), r.getRealm(), queuesOf(r.getId())));
    }

    public List<Agent> all() {
        return dsl.selectFrom(AGENTS).orderBy(AGENTS.ID)
                .fetch(r -> new Agent(r.getId(), r.getUsername(), r.getDisplayName(), r.getPasswordHa1(), r.getRealm(), queuesOf(r.getId())));
    }

    private Set<String> queuesOf(long agentId) {
        return Set.copyOf(dsl.select(AGENT_QUEUES.QUEUE).from(AGENT_QUEUES).where(AGENT_QUEUES.AGENT_ID.eq(agentId)).fetch(AGENT_QUEUES.QUEUE));
    }

    /** Stores a binding; {@code expiresAt} in the past removes it (REGISTER with Expires: 0). */
    public void register(long agentId, String contact, Instant expiresAt) {
        if (!expiresAt.isAfter(Instant.now())) {
            dsl.deleteFrom(REGISTRATIONS).where(REGISTRATIONS.AGENT_ID.eq(agentId)).and(REGISTRATIONS.CONTACT.eq(contact)).execute();
            return;
        }
        dsl.insertInto(REGISTRATIONS).set(REGISTRATIONS.AGENT_ID, agentId).set(REGISTRATIONS.CONTACT, contact)
                .set(REGISTRATIONS.EXPIRES_AT, expiresAt.atOffset(ZoneOffset.UTC))
                .onConflict(REGISTRATIONS.AGENT_ID, REGISTRATIONS.CONTACT).doUpdate()
                .set(REGISTRATIONS.EXPIRES_AT, expiresAt.atOffset(ZoneOffset.UTC))
                .set(REGISTRATIONS.UPDATED_AT, Instant.now().atOffset(ZoneOffset.UTC)).execute();
    }

    /** Unexpired contacts of the agent, most recently refreshed first. */
    public List<String> contacts(long agentId, Instant now) {
        return dsl.select(REGISTRATIONS.CONTACT).from(REGISTRATIONS).where(REGISTRATIONS.AGENT_ID.eq(agentId))
                .and(REGISTRATIONS.EXPIRES_AT.gt(now.atOffset(ZoneOffset.UTC)))
                .orderBy(REGISTRATIONS.UPDATED_AT.desc()).fetch(REGISTRATIONS.CONTACT);
    }

    public void stateChanged(long agentId, String state, String reason) {
        stateChanged(agentId, state, reason, null, Instant.now());
    }

    public void stateChanged(long agentId, String state, String reason, String callId, Instant at) {
        dsl.insertInto(AGENT_STATE_CHANGES).set(AGENT_STATE_CHANGES.AGENT_ID, agentId).set(AGENT_STATE_CHANGES.STATE, state)
                .set(AGENT_STATE_CHANGES.REASON, reason).set(AGENT_STATE_CHANGES.CALL_ID, callId)
                .set(AGENT_STATE_CHANGES.AT, at.atOffset(ZoneOffset.UTC)).execute();
    }

    /** Unexpired registrations of every agent: agent id → (contact → expiry). */
    public java.util.Map<Long, java.util.Map<String, Instant>> registrations(Instant now) {
        java.util.Map<Long, java.util.Map<String, Instant>> out = new java.util.HashMap<>();
        dsl.selectFrom(REGISTRATIONS).where(REGISTRATIONS.EXPIRES_AT.gt(now.atOffset(ZoneOffset.UTC))).orderBy(REGISTRATIONS.UPDATED_AT.desc())
                .forEach(r -> out.computeIfAbsent(r.getAgentId(), k -> new java.util.LinkedHashMap<>()).put(r.getContact(), r.getExpiresAt().toInstant()));
        return out;
    }

    /** True if the agent's SIP digest credentials match (the agent page logs in with the softphone's password). */
    public Optional<Agent> authenticate(String username, String password) {
        return findByUsername(username).filter(a -> MessageDigest.isEqual(
                a.passwordHa1().getBytes(StandardCharsets.US_ASCII), ha1(username, a.realm(), password).getBytes(StandardCharsets.US_ASCII)));
    }
}
