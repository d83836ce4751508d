package foresight.app.cli;

import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.audit.UserRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code foresight user NAME --role R} without a running server: a fresh token for the role, stored only as a hash. */
class UserCommandTest {
    @TempDir Path tmp;

    @Test
    void createsAUserWhoseTokenCarriesTheRoleAndANewTokenReplacesTheOld() throws Exception {
        var database = SharedPostgres.newDatabase(2);
        Path config = tmp.resolve("foresight.yml");
        Files.writeString(config, "http:\n  port: 34083\ndatabase:\n  url: " + database.url() + "\n  user: " + database.user() + "\n");
        CliRun first = CliRun.of("user", "ops", "--role", "operator", "-c", config.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        String token1 = token(first.out());
        CliRun second = CliRun.of("user", "ops", "--role", "OPERATOR", "-c", config.toString());
        assertThat(second.exit()).as(second.err()).isZero();
        String token2 = token(second.out());
        assertThat(token2).isNotEqualTo(token1);

        CliRun badRole = CliRun.of("user", "x", "--role", "boss", "-c", config.toString());
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("unknown role 'boss'", "operator");
        CliRun badName = CliRun.of("user", "a b", "--role", "qa", "-c", config.toString());
        assertThat(badName.exit()).isEqualTo(2);

        try (Database db = Database.open(database)) {
            var users = new UserRepository(db.dsl());
            assertThat(users.byToken(token2)).hasValueSatisfying(u -> assertThat(u.role()).isEqualTo("operator"));
            assertThat(users.byToken(token1)).as("the old token stops working").isEmpty();
            assertThat(users.exists("x")).isFalse();
            assertThat(users.auditCount("user_token")).isEqualTo(2);
        }
    }

    static String token(String out) {
        var m = Pattern.compile("\"token\":\"([0-9a-f]{48})\"").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }
}
