package foresight.app.cli;

import foresight.app.config.ForesightConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks to a Foresight server running from the same configuration, with the admin token it saved beside its
 * data (or {@code FORESIGHT_TOKEN}). Commands use it so they work while the server holds the embedded database.
 */
final class RunningServer {
    private RunningServer() {}

    /**
     * Sends {@code method path} to the local server. Empty when no server answers or there is no token (the caller
     * then works on the database directly); otherwise the response, whatever its status.
     */
    static Optional<HttpResponse<String>> call(ForesightConfig config, String method, String path, Duration timeout) throws IOException, InterruptedException {
        String token = System.getenv("FORESIGHT_TOKEN");
        Path tokenFile = Path.of(config.database().embeddedDataDir()).resolveSibling("admin-token");
        if (token == null && Files.exists(tokenFile)) token = Files.readString(tokenFile).trim();
        if (token == null) return Optional.empty();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.http().port() + path))
                .header("Authorization", "Bearer " + token).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return Optional.of(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (ConnectException e) {
            return Optional.empty();
        }
    }
}
