package foresight.flows;

import foresight.flows.load.FlowLoadException;
import foresight.flows.load.OperatorFiles;
import foresight.flows.load.TrunkFile;
import foresight.flows.load.TrunkRegistry;
import foresight.sip.trunk.TrunkPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TrunkFileTest {
    static final String GOOD = """
            country_code: "44"
            default: carrier
            trunks:
              - name: carrier
                uri: sip:sbc.carrier.example:5060;transport=udp
                username: acme
                password: s3cret
                caller_id: "+442079460000"
                max_channels: 30
              - name: freephone
                uri: sip:10.1.2.3
            routes:
              - prefix: "+44800"
                trunk: freephone
            """;
    @TempDir Path tmp;

    @Test
    void aGoodFileGivesTrunksRoutesAndTheCountryCode() throws Exception {
        Path f = Files.writeString(tmp.resolve("trunks.yml"), GOOD);
        TrunkPlan plan = TrunkFile.load(f);
        assertThat(plan.countryCode()).isEqualTo("44");
        assertThat(plan.trunks().get("carrier").maxChannels()).isEqualTo(30);
        assertThat(plan.trunks().get("carrier").callerId()).isEqualTo("+442079460000");
        assertThat(plan.trunks().get("freephone").maxChannels()).as("default max_channels").isEqualTo(10);
        assertThat(plan.route("0800 123 4567").trunk().name()).isEqualTo("freephone");
        assertThat(plan.route("020 7946 0018").requestUri()).isEqualTo("sip:+442079460018@sbc.carrier.example:5060;transport=udp");
    }

    @Test
    void noFileMeansNoTrunks() throws Exception {
        assertThat(TrunkFile.load(tmp.resolve("trunks.yml"))).isEqualTo(TrunkPlan.NONE);
    }

    @Test
    void aSingleTrunkTakesEveryNumberWithoutADefault() throws Exception {
        Path f = Files.writeString(tmp.resolve("trunks.yml"), "trunks:\n  - name: only\n    uri: sip:127.0.0.1:5080\n");
        assertThat(TrunkFile.load(f).route("+15550100199").trunk().name()).isEqualTo("only");
    }

    @Test
    void everyMistakeIsReportedAtOnceWithFileAndLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("trunks.yml"), """
                country_code: "0044"
                default: carier
                trunks:
                  - name: carrier
                    uri: sip:acme@sbc.carrier.example
                    username: acme
                    max_chanels: 30
                  - name: backup
                    uri: sip:10.0.0.9;transport=sctp
                    max_channels: 0
                routes:
                  - prefix: "44"
                    trunk: carrier
                  - prefix: "+1"
                    trunk: backupp
                """);
        var e = catchThrowableOfType(FlowLoadException.class, () -> TrunkFile.load(f));
        assertThat(e.errors()).extracting(Object::toString).containsExactlyInAnyOrder(
                f + ":1: trunks file: 'country_code' is the 1-3 digit code national numbers get (1, 44, 49), was '0044'",
                f + ":2: trunks file: default trunk 'carier' is not defined (did you mean 'carrier'?)",
                f + ":5: trunk 'carrier': uri must be sip:host[:port][;transport=udp|tcp|tls], was 'sip:acme@sbc.carrier.example' (no user part: the dialled number goes there)",
                f + ":7: trunk: unknown key 'max_chanels' (did you mean 'max_channels'?)",
                f + ":9: trunk 'backup': uri transport must be udp, tcp or tls, was 'sctp'",
                f + ":10: trunk 'backup': 'max_channels' must be between 1 and 100000, was 0",
                f + ":12: route: prefix must be '+' and up to 15 digits (E.164), was '44'",
                f + ":15: route '+1': unknown trunk 'backupp' (did you mean 'backup'?)");
    }

    @Test
    void aMissingPasswordAndBrokenYamlAreReportedOnTheirLines() throws Exception {
        Path f = Files.writeString(tmp.resolve("trunks.yml"), "trunks:\n  - name: c\n    uri: sip:h\n    username: acme\n");
        assertThatThrownBy(() -> TrunkFile.load(f)).hasMessage(f + ":4: trunk 'c': username 'acme' needs a password");
        Files.writeString(f, "trunks:\n  - name: c\n    uri: [sip:h\n");
        assertThatThrownBy(() -> TrunkFile.load(f)).hasMessageStartingWith(f + ":4: YAML syntax");
    }

    @Test
    void aBadEditKeepsTheLastGoodTrunksLiveAndAGoodOneReplacesThem() throws Exception {
        Path f = Files.writeString(tmp.resolve("trunks.yml"), GOOD);
        var registry = new TrunkRegistry(f);
        Files.writeString(f, GOOD.replace("max_channels: 30", "max_channels: lots"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(registry.reloadIfChanged()).isFalse();
        assertThat(registry.lastErrors()).extracting(Object::toString).containsExactly(f + ":9: trunk 'carrier': 'max_channels' must be a number, was 'lots'");
        assertThat(registry.current().trunks().get("carrier").maxChannels()).isEqualTo(30);
        Files.writeString(f, GOOD.replace("max_channels: 30", "max_channels: 2"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(registry.reloadIfChanged()).isTrue();
        assertThat(registry.current().trunks().get("carrier").maxChannels()).isEqualTo(2);
        assertThat(registry.lastErrors()).isEmpty();
    }

    @Test
    void aTransferNodeMustNameANumberAUriOrATemplate() throws Exception {
        Path dir = tmp.resolve("op");
        Files.createDirectories(dir.resolve("flows"));
        Path flow = Files.writeString(dir.resolve("flows/hotline.yml"), """
                flow: hotline
                start: out
                nodes:
                  out:
                    transfer: "call the manager"
                    ring_seconds: 500
                    next: bye
                  manager:
                    transfer: "{{customer.manager_phone}}"
                    next: bye
                  bye:
                    hangup: true
                """);
        var e = catchThrowableOfType(FlowLoadException.class, () -> OperatorFiles.load(dir));
        assertThat(e.errors()).extracting(Object::toString).containsExactlyInAnyOrder(
                flow + ":5: node 'out': 'transfer' must be a phone number, a sip: URI or a template, was 'call the manager'",
                flow + ":6: node 'out': 'ring_seconds' must be between 5 and 120, was 500");
        Files.writeString(flow, Files.readString(flow).replace("call the manager", "+44 20 7946 0018").replace("500", "20"));
        var set = OperatorFiles.load(dir);
        assertThat(set.flows().get("hotline").step("out")).isEqualTo(new foresight.flows.model.Step.Transfer("out", 5, "+44 20 7946 0018",
                java.time.Duration.ofSeconds(20), "bye"));
    }
}
