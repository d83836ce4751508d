package foresight.flows;

import foresight.flows.load.FlowLoadException;
import foresight.flows.load.FlowRegistry;
import foresight.flows.load.OperatorFiles;
import foresight.flows.model.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorFilesTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");
    @TempDir Path tmp;

    private Path copyExample() throws IOException {
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path p : s.toList()) {
                Path t = tmp.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return tmp;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertThat(s).contains(from);
        Files.writeString(file, s.replace(from, to));
    }

    @Test
    void exampleHotlineLoadsWithAllNodeKinds() throws Exception {
        var set = OperatorFiles.load(EXAMPLE);
        var flow = set.flows().get("hotline");
        assertThat(flow.start()).isEqualTo("greet");
        assertThat(flow.steps().values()).hasAtLeastOneElementOfType(Step.PredictIssue.class).hasAtLeastOneElementOfType(Step.Confirm.class)
                .hasAtLeastOneElementOfType(Step.Ask.class).hasAtLeastOneElementOfType(Step.Menu.class).hasAtLeastOneElementOfType(Step.Queue.class);
        assertThat(set.queues()).containsKeys("refunds", "cards", "general");
        assertThat(set.reasons()).extracting(r -> r.id()).contains("refund", "card_lost");
        assertThat(set.version()).hasSize(12);
    }

    @Test
    void brokenReferenceIsReportedWithFileAndLine() throws Exception {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        replace(flow, "    next: predict\n", "    next: predictt\n");
        int line = Files.readAllLines(flow).indexOf("    next: predictt") + 1;
        assertThatThrownBy(() -> OperatorFiles.load(dir)).isInstanceOf(FlowLoadException.class)
                .hasMessageContaining(flow + ":" + line + ": node 'greet': 'next' points to unknown node 'predictt' (did you mean 'predict'?)");
    }

    @Test
    void everyMistakeIsReportedAtOnce() throws Exception {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        replace(flow, "    queue: refunds\n", "    qeue: refunds\n");
        replace(flow, "    queue: cards\n", "    queue: cardz\n");
        var e = (FlowLoadException) org.assertj.core.api.Assertions.catchThrowable(() -> OperatorFiles.load(dir));
        assertThat(e.errors()).extracting(Object::toString)
                .anyMatch(m -> m.contains("unknown node type 'qeue' (did you mean 'queue'?)"))
                .anyMatch(m -> m.contains("unknown queue 'cardz' (did you mean 'cards'?)"));
    }

    @Test
    void queueMusicIsLoadedFromTheOperatorFolderAndAMissingFileIsReportedOnItsLine() throws Exception {
        var set = OperatorFiles.load(EXAMPLE);
        assertThat(set.queues().get("refunds").music().duration()).isEqualTo(java.time.Duration.ofSeconds(16));
        Path dir = copyExample();
        Path queues = dir.resolve("queues.yml");
        String text = Files.readString(queues);
        Files.writeString(queues, text.replaceFirst("music/hold.wav", "music/missing.wav"));
        int line = Files.readAllLines(queues).indexOf("    music: music/missing.wav") + 1;
        assertThatThrownBy(() -> OperatorFiles.load(dir)).hasMessageContaining(queues + ":" + line + ": queue 'refunds': music 'music/missing.wav' cannot be used");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws Exception {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        replace(flow, "    next: predict\n", "    next: [predict\n");
        assertThatThrownBy(() -> OperatorFiles.load(dir)).hasMessageContaining(flow + ":").hasMessageContaining("YAML syntax");
    }

    @Test
    void registryKeepsLastGoodVersionWhenAnEditIsBrokenAndTakesTheNextGoodOne() throws Exception {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        try (var registry = new FlowRegistry(dir)) {
            String v1 = registry.current().version();
            replace(flow, "Thank you for calling Foresight Bank.", "Welcome to Foresight Bank.");
            assertThat(registry.reloadIfChanged()).isTrue();
            String v2 = registry.current().version();
            assertThat(v2).isNotEqualTo(v1);
            assertThat(((Step.Say) registry.current().flows().get("hotline").step("greet")).text()).isEqualTo("Welcome to Foresight Bank.");

            replace(flow, "    next: predict\n", "    next: nowhere\n");
            assertThat(registry.reloadIfChanged()).isFalse();
            assertThat(registry.current().version()).isEqualTo(v2);
            assertThat(registry.lastErrors()).extracting(Object::toString).anyMatch(m -> m.matches(".*hotline.yml:\\d+: node 'greet'.*nowhere.*"));
        }
    }

    @Test
    void anIntentNotInTheUtterancesFileIsReportedOnItsLineWithASuggestion() throws Exception {
        Path dir = copyExample();
        Path reasons = dir.resolve("reasons.yml");
        replace(reasons, "[request_refund, ", "[request_refnud, ");
        var lines = Files.readAllLines(reasons);
        int line = lines.indexOf(lines.stream().filter(l -> l.contains("request_refnud")).findFirst().orElseThrow()) + 1;
        assertThatThrownBy(() -> OperatorFiles.load(dir)).isInstanceOf(FlowLoadException.class)
                .hasMessageContaining(reasons + ":" + line + ": intent 'request_refnud' does not occur in utterances.csv (did you mean 'request_refund'?)");
    }

    @Test
    void anIntentClaimedByTwoReasonsAndAMissingCsvAreErrors() throws Exception {
        Path dir = copyExample();
        Path reasons = dir.resolve("reasons.yml");
        replace(reasons, "[lost_or_stolen_card, ", "[request_refund, lost_or_stolen_card, ");
        assertThatThrownBy(() -> OperatorFiles.load(dir)).hasMessageContaining("intent 'request_refund' already belongs to reason 'refund'");
        replace(reasons, "utterances: utterances.csv", "utterances: missing.csv");
        assertThatThrownBy(() -> OperatorFiles.load(dir)).hasMessageContaining("utterances 'missing.csv': cannot read");
    }

    @Test
    void qaRulesLoadWithTheirCategoriesAndAnUnknownChannelIsReportedOnItsLine() throws Exception {
        var qa = OperatorFiles.load(EXAMPLE).qa();
        assertThat(qa.redact()).isTrue();
        assertThat(qa.reviewSampleRate()).isEqualTo(0.2);
        var greeting = qa.categories().stream().filter(c -> c.name().equals("greeting")).findFirst().orElseThrow();
        assertThat(greeting.required()).isTrue();
        assertThat(greeting.withinSeconds()).isEqualTo(30);
        assertThat(greeting.phrases()).contains(java.util.List.of("thank", "you", "for", "calling"));
        Path dir = copyExample();
        Path rules = dir.resolve("qa-rules.yml");
        replace(rules, "    channel: caller\n", "    channel: callers\n");
        var lines = Files.readAllLines(rules);
        int line = lines.indexOf("    channel: callers") + 1;
        assertThatThrownBy(() -> OperatorFiles.load(dir)).hasMessageContaining(rules + ":" + line + ": category 'escalation': channel 'callers' must be caller, agent or any");
    }

    @Test
    void exampleQueuesCarryRoutingTiersSkillsAndTheKnowledgeFile() throws Exception {
        var set = OperatorFiles.load(EXAMPLE);
        var cards = set.queues().get("cards");
        assertThat(cards.strategy()).isEqualTo(foresight.acd.QueueDefinition.Strategy.LONGEST_IDLE);
        assertThat(set.queues().get("general").strategy()).isEqualTo(foresight.acd.QueueDefinition.Strategy.SKILL_LEVEL);
        assertThat(cards.skills()).containsExactly("cards");
        assertThat(cards.wrapUp()).hasSeconds(5);
        assertThat(cards.callbackKey()).isEqualTo("1");
        assertThat(cards.overflow()).isEqualTo("callback");
        assertThat(set.queues().get("refunds").overflow()).isEqualTo("general");
        assertThat(set.staffing().priority("vip")).isEqualTo(2);
        assertThat(set.staffing().priority("nobody-knows")).isZero();
        assertThat(set.staffing().agentSkills().get("1002")).containsEntry("cards", 7);
        assertThat(set.answers()).extracting(a -> a.title()).contains("Block a lost or stolen card");
        var ranked = foresight.flows.model.Answer.rank(set.answers(), "card_lost", "my card was stolen last night", 3);
        assertThat(ranked.getFirst().answer().title()).isEqualTo("Block a lost or stolen card");
        assertThat(ranked.getFirst().matched()).contains("stolen", "card");
    }

    @Test
    void queueMistakesAreReportedWithFileAndLine() throws Exception {
        Path dir = copyExample();
        Path queues = dir.resolve("queues.yml");
        replace(queues, "    strategy: skill-level\n", "    strategy: skil-level\n");
        replace(queues, "    overflow: general\n", "    overflow: generl\n");
        replace(queues, "    skills: {cards: 7, general: 6}", "    skills: {cardz: 7, general: 6}");
        var lines = Files.readAllLines(queues);
        assertThatThrownBy(() -> OperatorFiles.load(dir)).isInstanceOf(FlowLoadException.class)
                .hasMessageContaining(queues + ":" + (lines.indexOf("    strategy: skil-level") + 1) + ": queue 'general': unknown strategy 'skil-level' (did you mean 'skill-level'?)")
                .hasMessageContaining(queues + ":" + (lines.indexOf("    overflow: generl") + 1) + ": queue 'refunds': overflow 'generl' is neither a queue (did you mean 'general'?) nor 'callback'")
                .hasMessageContaining(queues + ":" + (lines.indexOf("    skills: {cardz: 7, general: 6}") + 1) + ": agent '1002': skill 'cardz' is not needed by any queue (did you mean 'cards'?)");
    }

    @Test
    void answerForAnUnknownReasonIsReportedWithFileAndLine() throws Exception {
        Path dir = copyExample();
        Path answers = dir.resolve("answers.yml");
        replace(answers, "    reasons: [card_lost]\n", "    reasons: [card_lots]\n");
        int line = Files.readAllLines(answers).indexOf("    reasons: [card_lots]") + 1;
        assertThatThrownBy(() -> OperatorFiles.load(dir)).isInstanceOf(FlowLoadException.class)
                .hasMessageContaining(answers + ":" + line + ": answer 'Block a lost or stolen card': unknown reason 'card_lots' (did you mean 'card_lost'?)");
    }
}
