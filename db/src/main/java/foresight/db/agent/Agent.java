package foresight.db.agent;

import java.util.Set;

/** An agent who logs in with a SIP softphone. {@code passwordHa1} is MD5(username:realm:password). */
public record Agent(long id, String username, String displayName, String passwordHa1, String realm, Set<String> queues) {
    public Agent {
        queues = Set.copyOf(queues);
    }
}
