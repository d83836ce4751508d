package foresight.app.flows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import foresight.db.flow.FlowVersionRepository;
import foresight.db.flow.FlowVersionRepository.FlowVersion;
import foresight.flows.model.FlowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The history of the operator folder's live versions in PostgreSQL: each version that goes live is stored with
 * its YAML files and the diff against the previous one; {@link #rollback} writes an earlier version's files back
 * into the folder (hot reload then makes it live) and records that. Files other than YAML (the utterances CSV,
 * music) are not versioned. Used from the reload thread and the CLI; the database serialises writers.
 */
public final class FlowVersions {
    private static final Logger log = LoggerFactory.getLogger(FlowVersions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FlowVersionRepository repo;
    private final Clock clock;

    public FlowVersions(Path dir, FlowVersionRepository repo, Clock clock) {
        this.dir = dir;
        this.repo = repo;
        this.clock = clock;
    }

    /** Records {@code set} as live unless it is already the latest recorded version (a restart, or a rollback already recorded). */
    public void wentLive(FlowSet set, String source) {
        Optional<FlowVersion> latest = repo.latest();
        if (latest.isPresent() && latest.get().version().equals(set.version())) return;
        Map<String, String> files = snapshot(dir);
        String diff = diff(latest.map(v -> files(v)).orElse(Map.of()), files);
        repo.insert(set.version(), clock.instant(), source, json(files), diff);
        log.info("event=flow_version_recorded version={} source={} diff_lines={}", set.version(), source, diff.lines().count());
    }

    public List<FlowVersion> list(int limit) { return repo.list(limit); }

    /** Thrown when a rollback names a version that never went live. */
    public static final class UnknownVersionException extends Exception {
        public UnknownVersionException(String message) { super(message); }
    }

    /**
     * Makes {@code version} (or a unique prefix) the folder's content again: its YAML files are rewritten, YAML files
     * it did not have are removed, and the rollback is recorded with its diff. Returns the version rolled back to.
     */
    public FlowVersion rollback(String version, String by) throws UnknownVersionException, IOException {
        FlowVersion target = repo.find(version).orElseThrow(() -> new UnknownVersionException("unknown version '" + version + "'; versions that went live: "
                + String.join(", ", repo.list(10).stream().map(FlowVersion::version).distinct().toList())));
        Map<String, String> wanted = files(target);
        Map<String, String> now = snapshot(dir);
        for (String path : now.keySet()) if (!wanted.containsKey(path)) Files.delete(dir.resolve(path));
        for (var e : wanted.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
        }
        repo.insert(target.version(), clock.instant(), "rollback to " + target.version() + " by " + by, json(wanted), diff(now, wanted));
        log.info("event=flow_rollback version={} by={}", target.version(), by);
        return target;
    }

    /**
     * The folder's YAML files by path relative to it: the top level, flows/ and tests/. Not {@code trunks.yml}: it holds
     * the carriers' passwords, which stay out of the database and the versions page (and a rollback leaves it as is).
     */
    static final String TRUNKS_FILE = "trunks.yml";

    static Map<String, String> snapshot(Path dir) {
        Map<String, String> out = new TreeMap<>();
        for (Path sub : List.of(dir, dir.resolve("flows"), dir.resolve("tests"))) {
            if (!Files.isDirectory(sub)) continue;
            try (Stream<Path> s = Files.list(sub)) {
                for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                        .filter(p -> !(sub.equals(dir) && p.getFileName().toString().equals(TRUNKS_FILE))).toList()) {
                    out.put(dir.relativize(p).toString(), Files.readString(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** A unified diff of every file that changed, was added or removed. */
    static String diff(Map<String, String> before, Map<String, String> after) {
        List<String> out = new ArrayList<>();
        TreeMap<String, Boolean> paths = new TreeMap<>();
        before.keySet().forEach(p -> paths.put(p, true));
        after.keySet().forEach(p -> paths.put(p, true));
        for (String p : paths.keySet()) {
            List<String> a = lines(before.get(p)), b = lines(after.get(p));
            if (a.equals(b)) continue;
            var patch = DiffUtils.diff(a, b);
            out.addAll(UnifiedDiffUtils.generateUnifiedDiff(before.containsKey(p) ? "a/" + p : "/dev/null", after.containsKey(p) ? "b/" + p : "/dev/null", a, patch, 2));
        }
        return String.join("\n", out) + (out.isEmpty() ? "" : "\n");
    }

    private static List<String> lines(String text) { return text == null ? List.of() : text.lines().toList(); }

    private static String json(Map<String, String> files) {
        try {
            return JSON.writeValueAsString(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> files(FlowVersion v) {
        try {
            return JSON.readValue(v.filesJson(), new TypeReference<TreeMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
