package foresight.app.digest;

import foresight.app.cli.CliRun;
import foresight.db.Database;
import foresight.db.SharedPostgres;
import foresight.db.call.CallRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code scripts/foresight digest --date D [--json]} reads the database when no server is running. */
class DigestCommandTest {
    @TempDir Path tmp;

    private static CliRun run(String... args) { return CliRun.of(args); }

    @Test
    void printsTheDigestOfTheDayFromTheDatabase() throws Exception {
        LocalDate day = LocalDate.parse("2026-11-25");
        var database = SharedPostgres.newDatabase(2);
        try (Database db = Database.open(database)) {
            var calls = new CallRepository(db.dsl());
            for (int i = 0; i < 6; i++) {
                String id = "cli-" + i;
                calls.create(id, "sip-" + id, "+15550100", null, day.atTime(10, i).toInstant(ZoneOffset.UTC));
                calls.reason(id, "card_lost", "I lost my card");
            }
        }
        Path config = tmp.resolve("foresight.yml");
        Files.writeString(config, "database:\n  url: " + database.url() + "\n  user: " + database.user() + "\nhttp:\n  port: 38090\ndigest:\n  baseUrl: https://cc.example.com\n");

        var text = run("digest", "-c", config.toString(), "--date", day.toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Foresight digest for 2026-11-25").contains("card_lost: 6 calls")
                .contains("https://cc.example.com/qa/calls/cli-5");

        var json = run("digest", "-c", config.toString(), "--date", day.toString(), "--json");
        assertThat(json.exit()).isZero();
        String out = json.out();
        var parsed = DigestText.parse(out.substring(out.indexOf("{"))); // the JSON starts at its first brace, whatever was logged before it
        assertThat(parsed.date()).isEqualTo(day);
        assertThat(parsed.reasons()).extracting(DailyDigest.Rise::name).containsExactly("card_lost");
    }

    @Test
    void aDateThatIsNotADateIsAClearError() {
        var r = run("digest", "--date", "25/11/2026");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--date must be YYYY-MM-DD").doesNotContain("Exception");
    }
}
