package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.demo.DemoData;
import foresight.app.http.auth.Access;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.audit.UserRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Creates a user of the HTTP API and pages (an operator for the flow page, a supervisor for the wallboard, a QA
 * reviewer), or gives an existing one a new token (the old one stops working). Prints the token once; only its
 * hash is stored. With a server running, asks it (admin token); otherwise writes the database directly.
 */
@Command(name = "user", description = "Create a user with a role (admin, supervisor, qa, operator, agent) and print a fresh token; "
        + "for an existing user, replace the token and role. Only the token's SHA-256 is stored.")
public final class UserCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "User name (letters, digits, . _ -)")
    String username;

    @Option(names = "--role", required = true, description = "admin, supervisor, qa, operator or agent")
    String role;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        if (!username.matches("[A-Za-z0-9._-]{1,64}")) {
            System.err.println("user name '" + username + "': use 1-64 letters, digits, '.', '_' or '-'");
            return 2;
        }
        if (Access.of(role).isEmpty()) {
            System.err.println("unknown role '" + role + "': roles are " + String.join(", ",
                    Arrays.stream(Access.values()).map(a -> a.name().toLowerCase(Locale.ROOT)).toList()));
            return 2;
        }
        String r = role.toLowerCase(Locale.ROOT);
        ForesightConfig config = configOption.load();
        var resp = RunningServer.call(config, "POST", "/api/users/" + username + "?role=" + URLEncoder.encode(r, StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        if (resp.isPresent()) {
            boolean ok = resp.get().statusCode() == 200;
            (ok ? System.out : System.err).println(ok ? resp.get().body() : "server: " + resp.get().body());
            return ok ? 0 : 1;
        }
        var d = config.database();
        try (Database db = Database.open(new DatabaseConfig(d.url() == null || d.url().isBlank() ? null : d.url(), d.user(), d.password(),
                Path.of(d.embeddedDataDir()), 2))) {
            var users = new UserRepository(db.dsl());
            String token = DemoData.newToken();
            users.upsert(username, r, token);
            users.audit("cli", "user_token", username + " as " + r);
            System.out.println("{\"username\":\"" + username + "\",\"role\":\"" + r + "\",\"token\":\"" + token + "\"}");
            return 0;
        }
    }
}
