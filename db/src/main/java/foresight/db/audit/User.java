package foresight.db.audit;

/** Someone allowed to use the HTTP API. {@code role} is one of admin, supervisor, qa, agent. */
public record User(long id, String username, String role) {}
