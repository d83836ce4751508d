package foresight.app.flows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies the example operator folder so a test can edit its copy. */
final class OperatorFilesFixture {
    private OperatorFilesFixture() {}

    static void copyHotline(Path to) throws IOException {
        Path from = Path.of("../examples/hotline");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
