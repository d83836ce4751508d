package foresight.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir Path dir;

    @Test
    void theDocumentedFileHoldsExactlyTheBuiltInDefaults() throws Exception {
        var fromFile = ConfigLoader.load(Path.of("../foresight.yml"), Map.of("FORESIGHT_SIP_HOST", "127.0.0.1"));
        var builtIn = ConfigLoader.load(null, Map.of("FORESIGHT_SIP_HOST", "127.0.0.1"));
        assertThat(fromFile).isEqualTo(builtIn);
        assertThat(builtIn.sip().port()).isEqualTo(5060);
        assertThat(builtIn.database().url()).isNull();
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "sip:\n  port: 5070\nhttp:\n  port: 9090\n");
        var c = ConfigLoader.load(f, Map.of("FORESIGHT_SIP_PORT", "5080", "FORESIGHT_SPEECH_MAX_RECOGNISERS", "2"));
        assertThat(c.sip().port()).isEqualTo(5080);
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.speech().maxRecognisers()).isEqualTo(2);
    }

    @Test
    void unknownKeyIsReportedWithFileAndLine() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "sip:\n  port: 5070\n  prot: 5071\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageStartingWith(f + ":3: ").hasMessageContaining("prot");
    }

    @Test
    void unknownVoiceIsReportedWithFileAndLineNamingTheValidOnes() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "sip:\n  port: 5070\nspeech:\n  maxRecognisers: 2\n  voice: robot\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
                .hasMessage(f + ":5: speech.voice must be one of festival-slt, kevin16, was 'robot'");
        assertThat(ConfigLoader.load(null, Map.of("FORESIGHT_SPEECH_VOICE", "kevin16")).speech().voice()).isEqualTo("kevin16");
        assertThat(ConfigLoader.load(null, Map.of()).speech().voice()).isEqualTo("festival-slt");
    }

    @Test
    void aClusterWithoutANodeIdIsReportedWithFileAndLine() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "http:\n  port: 9090\ncluster:\n  enabled: true\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
                .hasMessage(f + ":3: cluster.nodeId is required when cluster.enabled is true");
        var c = ConfigLoader.load(f, Map.of("FORESIGHT_CLUSTER_NODE_ID", "node-a"));
        assertThat(c.cluster().asAcdConfig().nodeId()).isEqualTo("node-a");
        assertThat(ConfigLoader.load(null, Map.of()).cluster().enabled()).as("one node by default").isFalse();
    }

    @Test
    void misspelledEnvironmentVariableIsAnErrorNotSilentlyIgnored() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("FORESIGHT_SIP_PROT", "1")))
                .hasMessageContaining("FORESIGHT_SIP_PROT");
    }

    @Test
    void autoHostResolvesToAConcreteAddress() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).sip().host()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void trustedPeersComeFromTheFileAsAListOrFromTheEnvironmentCommaSeparated() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "sip:\n  trusted: [10.0.0.0/8]\n  bindHost: 127.0.0.1\n");
        assertThat(ConfigLoader.load(f, Map.of()).sip().trusted()).containsExactly("10.0.0.0/8");
        assertThat(ConfigLoader.load(f, Map.of()).sip().bindHost()).isEqualTo("127.0.0.1");
        var c = ConfigLoader.load(f, Map.of("FORESIGHT_SIP_TRUSTED", "10.0.0.0/8,127.0.0.1/32"));
        assertThat(c.sip().trusted()).containsExactly("10.0.0.0/8", "127.0.0.1/32");
    }

    @Test
    void aTrustedEntryThatIsNoAddressIsReportedWithFileAndLine() throws Exception {
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "sip:\n  port: 5070\n  trusted:\n    - 10.0.0.0/33\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageStartingWith(f + ":3: ").hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("FORESIGHT_SIP_TRUSTED", "sbc.example.com")))
                .hasMessageContaining("sbc.example.com").hasMessageContaining("host names");
    }

    @Test
    void openRecogniserDefaultsToMoonshineAndAnUnknownOneIsReportedWithFileAndLine() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).speech().openRecogniser()).isEqualTo("moonshine");
        Path f = dir.resolve("foresight.yml");
        Files.writeString(f, "speech:\n  maxRecognisers: 4\n  openRecogniser: whisper\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageStartingWith(f + ":").hasMessageContaining("whisper")
                .hasMessageContaining("moonshine or vosk");
        Files.writeString(f, "speech:\n  openRecogniser: vosk\n  moonshineModel: tiny\n");
        var c = ConfigLoader.load(f, Map.of());
        assertThat(c.speech().openRecogniser()).isEqualTo("vosk");
        assertThat(c.speech().moonshineModel()).isEqualTo("tiny");
    }
}
