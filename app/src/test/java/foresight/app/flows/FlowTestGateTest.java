package foresight.app.flows;

import foresight.flows.load.FlowError;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.FlowRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** operator.requireTests: a version whose flow tests fail never goes live; the last good one stays. */
class FlowTestGateTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");
    @TempDir Path dir;

    private void copyExample() throws IOException {
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path p : s.toList()) {
                Path t = dir.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertThat(s).contains(from);
        Files.writeString(file, s.replace(from, to));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // a new fingerprint even within the same millisecond
    }

    @Test
    void aVersionWhoseFlowTestsFailStaysOutAndTheLastGoodOneStaysLive() throws Exception {
        copyExample();
        var gate = new FlowTestGate(dir, "hotline", null, Clock.systemUTC());
        try (var registry = new FlowRegistry(dir, gate)) {
            String good = registry.current().version();
            edit(dir.resolve("flows/hotline.yml"), "      refund: to_refunds\n", "      refund: to_general\n");
            assertThat(registry.reloadIfChanged()).isFalse();
            assertThat(registry.current().version()).isEqualTo(good);
            assertThat(registry.lastErrors()).extracting(FlowError::toString)
                    .anySatisfy(e -> assertThat(e).contains("flow test 'Alice confirms the predicted refund and waits for the refunds team' fails (operator.requireTests)")
                            .contains("expected queue refunds"));

            edit(dir.resolve("flows/hotline.yml"), "      refund: to_general\n", "      refund: to_refunds\n");
            edit(dir.resolve("flows/hotline.yml"), "Thank you for calling Foresight Bank.", "Welcome to Foresight Bank.");
            assertThat(registry.reloadIfChanged()).isTrue();
            assertThat(registry.current().version()).isNotEqualTo(good);
        }
    }

    @Test
    void aBrokenTestFileKeepsTheServerFromStartingOnAnUntestedVersion() throws Exception {
        copyExample();
        Files.writeString(dir.resolve("tests/broken.yml"), "tests:\n  - name: x\n    from: \"+15550199\"\n    expect: { queue: nowhere }\n");
        assertThatThrownBy(() -> new FlowRegistry(dir, new FlowTestGate(dir, "hotline", null, Clock.systemUTC())))
                .isInstanceOf(FlowLoadException.class).hasMessageContaining("broken.yml:4: test 'x': expect: unknown queue 'nowhere'");
    }
}
