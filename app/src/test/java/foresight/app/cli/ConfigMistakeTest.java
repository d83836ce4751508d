package foresight.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigMistakeTest {
    @TempDir
    Path dir;

    @Test
    void aMisspeltKeyInTheConfigFileIsOneLineWithFileAndLineAndExitCodeTwoNotAStackTrace() throws Exception {
        Path config = Files.writeString(dir.resolve("foresight.yml"), "sip:\n  port: 5070\n  portt: 1\n");
        var err = new StringWriter();
        var out = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));

        int code = cl.execute("serve", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("foresight: " + config + ":3:").contains("portt")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void aConfigFileThatDoesNotExistIsNamedWithExitCodeTwo() {
        var err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("serve", "--config", dir.resolve("missing.yml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.yml:1: file not found").doesNotContain("\tat ");
    }
}
