package foresight.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import foresight.app.config.ForesightConfig;
import foresight.db.Database;
import foresight.db.DatabaseConfig;
import foresight.db.call.CallRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Full-text search over call transcripts. Asks the running server's API (with the admin token from the data
 * folder) so it works while the server holds the embedded database; opens the database itself otherwise.
 */
@Command(name = "search", description = "Find calls whose transcript matches a query, newest first.")
public final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "Words to look for (PostgreSQL web-search syntax: \"exact phrase\", -exclude, or). Omit for the latest calls.")
    String query;

    @Option(names = "--limit", defaultValue = "20")
    int limit;

    @Option(names = "--json", description = "Print the raw JSON rows.")
    boolean json;

    @Mixin
    ConfigOption configOption;

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        JsonNode rows = viaServer(config);
        if (rows == null) rows = viaDatabase(config);
        if (json) {
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            return 0;
        }
        System.out.printf("%d call(s)%s%n", rows.size(), query == null ? "" : " matching '" + query + "'");
        for (JsonNode c : rows) {
            System.out.printf("%s  %s  caller=%s  predicted=%s confirmed=%s  reason=%s  queue=%s  agent=%s  status=%s  mos=%s%n  recording=%s%n",
                    c.path("id").asText(), c.path("startedAt").asText(), c.path("caller").asText(), c.path("predictedReason").asText("-"),
                    c.path("confirmed").asText("-"), c.path("confirmedReason").asText("-"), c.path("queue").asText("-"),
                    c.path("agent").asText("-"), c.path("status").asText(), c.path("mos").isNumber() ? String.format("%.2f", c.path("mos").asDouble()) : "-",
                    c.path("recordingPath").asText("-"));
            if (!c.path("snippet").isNull() && !c.path("snippet").isMissingNode()) System.out.println("  " + c.path("snippet").asText().replace("\n", " | "));
        }
        return 0;
    }

    private JsonNode viaServer(ForesightConfig config) {
        String path = "/api/calls?limit=" + limit + (query == null ? "" : "&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        try {
            var resp = RunningServer.call(config, "GET", path, Duration.ofSeconds(10));
            if (resp.isEmpty()) return null; // no server running: read the database directly
            if (resp.get().statusCode() != 200) {
                System.err.println("server answered " + resp.get().statusCode() + ": " + resp.get().body());
                return null;
            }
            return mapper.readTree(resp.get().body()).path("calls");
        } catch (Exception e) {
            System.err.println("could not ask the server (" + e + "); reading the database directly");
            return null;
        }
    }

    private JsonNode viaDatabase(ForesightConfig config) {
        var d = config.database();
        try (Database db = Database.open(new DatabaseConfig(d.url() == null || d.url().isBlank() ? null : d.url(), d.user(), d.password(), Path.of(d.embeddedDataDir()), 2))) {
            return mapper.valueToTree(new CallRepository(db.dsl()).search(query, limit));
        }
    }
}
