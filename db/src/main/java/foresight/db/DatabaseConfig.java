package foresight.db;

import java.nio.file.Path;

/**
 * Where the data lives. With a null {@code url} Foresight starts an embedded PostgreSQL whose files are kept
 * under {@code embeddedDataDir}; with a JDBC url it uses that server.
 */
public record DatabaseConfig(String url, String user, String password, Path embeddedDataDir, int poolSize) {
    public static final DatabaseConfig DEFAULT = new DatabaseConfig(null, null, null, Path.of("data/pg"), 10);

    public DatabaseConfig {
        if (poolSize < 1) throw new IllegalArgumentException("database.poolSize must be >= 1, was " + poolSize);
        if (url == null && embeddedDataDir == null) throw new IllegalArgumentException("database.embeddedDataDir is required when database.url is unset");
    }

    public boolean embedded() { return url == null || url.isBlank(); }
}
