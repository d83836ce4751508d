package foresight.app.cli;

import foresight.app.config.ForesightConfig;
import foresight.app.digest.DailyDigest;
import foresight.app.digest.DigestBuilder;
import foresight.app.digest.DigestText;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.digest.DigestRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * Prints the daily digest of a day. Asks the running server ({@code /api/digest}, admin token from the data folder)
 * so it works while the server holds the embedded database; opens the database itself otherwise.
 */
@Command(name = "digest", description = "Print the daily digest of a UTC day: rising reasons and QA categories, new phrases, predictor precision.")
public final class DigestCommand implements Callable<Integer> {
    @Option(names = "--date", description = "The UTC day, YYYY-MM-DD (default: yesterday).")
    String date;

    @Option(names = "--json", description = "Print the digest as JSON (as the webhook receives it).")
    boolean json;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        LocalDate day;
        try {
            day = date == null ? LocalDate.now(Clock.systemUTC()).minusDays(1) : LocalDate.parse(date.trim());
        } catch (DateTimeParseException e) {
            System.err.println("--date must be YYYY-MM-DD (e.g. 2026-11-25), was '" + date + "'");
            return 2;
        }
        ForesightConfig config = configOption.load();
        String body = viaServer(config, day);
        DailyDigest digest = body == null ? viaDatabase(config, day) : null;
        if (json) System.out.println(body != null ? body : DigestText.json(digest));
        else if (digest != null) System.out.print(DigestText.text(digest));
        else System.out.print(DigestText.text(DigestText.parse(body)));
        return 0;
    }

    private static String viaServer(ForesightConfig config, LocalDate day) {
        try {
            var resp = RunningServer.call(config, "GET", "/api/digest?date=" + day, Duration.ofSeconds(60));
            if (resp.isEmpty()) return null;
            if (resp.get().statusCode() != 200) {
                System.err.println("server answered " + resp.get().statusCode() + ": " + resp.get().body() + "; reading the database directly");
                return null;
            }
            return resp.get().body();
        } catch (Exception e) {
            System.err.println("could not ask the server (" + e + "); reading the database directly");
            return null;
        }
    }

    private static DailyDigest viaDatabase(ForesightConfig config, LocalDate day) {
        var d = config.database();
        try (Database db = Database.open(new DatabaseConfig(d.url() == null || d.url().isBlank() ? null : d.url(), d.user(), d.password(),
                Path.of(d.embeddedDataDir()), 2))) {
            return new DigestBuilder(new DigestRepository(db.dsl()), config.digest().baseUrl()).build(day);
        }
    }
}
