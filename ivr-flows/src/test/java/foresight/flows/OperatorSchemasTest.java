package foresight.flows;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import foresight.flows.load.FlowLoadException;
import foresight.flows.load.OperatorFiles;
import foresight.flows.load.OperatorSchemas;
import foresight.flows.load.OperatorShapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated JSON Schemas agree with the loader: every example file passes an independent validator (networknt,
 * Jackson 3), every key the schema lists is one the loader accepts and every other key is refused by both.
 */
class OperatorSchemasTest {
    static final Path EXAMPLE = Path.of("../examples/hotline");
    private static final Pattern HEADER = Pattern.compile("^# yaml-language-server: \\$schema=(\\S+)\n");
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    @TempDir Path tmp;

    private static Schema schema(String name) { return REGISTRY.getSchema(OperatorSchemas.json(name), InputFormat.JSON); }

    private static List<String> schemaErrors(String name, String yaml) {
        return schema(name).validate(yaml, InputFormat.YAML).stream().map(Object::toString).toList();
    }

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

    private static List<String> loaderErrors(Path dir) {
        try {
            OperatorFiles.load(dir);
            return List.of();
        } catch (FlowLoadException e) {
            return e.errors().stream().map(Object::toString).toList();
        }
    }

    @Test
    void checkedInSchemasAreTheGeneratedOnes() throws IOException {
        for (String name : OperatorSchemas.names()) {
            assertThat(Files.readString(EXAMPLE.resolve("schemas/" + name + ".json"))).as(name + ".json (regenerate: scripts/foresight schema --out examples/hotline/schemas)")
                    .isEqualTo(OperatorSchemas.json(name));
        }
    }

    @Test
    void everyExampleFileNamesItsSchemaAndPassesIt() throws IOException {
        List<Path> files = new ArrayList<>(List.of(EXAMPLE.resolve("queues.yml"), EXAMPLE.resolve("reasons.yml"), EXAMPLE.resolve("qa-rules.yml"),
                EXAMPLE.resolve("answers.yml")));
        try (Stream<Path> s = Files.list(EXAMPLE.resolve("flows"))) { s.forEach(files::add); }
        try (Stream<Path> s = Files.list(EXAMPLE.resolve("tests"))) { s.forEach(files::add); }
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        for (Path f : files) {
            String yaml = Files.readString(f);
            Matcher m = HEADER.matcher(yaml);
            assertThat(m.find()).as(f + " starts with the yaml-language-server line").isTrue();
            Path schemaFile = f.getParent().resolve(m.group(1)).normalize();
            assertThat(schemaFile).as(f + " names a checked-in schema").exists();
            Schema schema = REGISTRY.getSchema(Files.readString(schemaFile), InputFormat.JSON);
            assertThat(schema.validate(yaml, InputFormat.YAML)).as(f.toString()).isEmpty();
        }
    }

    @Test
    void aMisspeltKeyAndAnUnknownNodeTypeAreFlaggedByBothTheSchemaAndValidate() throws IOException {
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        String text = Files.readString(flow);
        text = text.replace("    retries: 2\n", "    retires: 2\n").replace("    hangup: true\n", "    hang_up: true\n");
        Files.writeString(flow, text);
        assertThat(schemaErrors("flow", text)).as("schema errors").isNotEmpty()
                .anySatisfy(e -> assertThat(e).contains("retires"))
                .anySatisfy(e -> assertThat(e).contains("hang_up"));
        assertThat(loaderErrors(dir)).as("validate")
                .anySatisfy(e -> assertThat(e).contains("unknown key 'retires' (did you mean 'retries'?)"))
                .anySatisfy(e -> assertThat(e).contains("unknown node type 'hang_up' (did you mean 'hangup'?)"));
    }

    /** Where to add a key to each mapping of each file: after which line, how indented, and the mapping's schema. */
    private record Probe(String file, String schema, String afterLine, String indent, String pointer) {}

    private static final List<Probe> PROBES = List.of(
            new Probe("queues.yml", "queues", null, "", "/properties"),
            new Probe("queues.yml", "queues", "  - name: refunds\n", "    ", "/properties/queues/items/properties"),
            new Probe("queues.yml", "queues", "  - username: \"1001\"\n", "    ", "/properties/agents/items/properties"),
            new Probe("reasons.yml", "reasons", null, "", "/properties"),
            new Probe("reasons.yml", "reasons", "  - id: refund\n", "    ", "/properties/reasons/items/properties"),
            new Probe("qa-rules.yml", "qa-rules", null, "", "/properties"),
            new Probe("qa-rules.yml", "qa-rules", "  - name: escalation\n", "    ", "/properties/categories/items/properties"),
            new Probe("answers.yml", "answers", null, "", "/properties"),
            new Probe("answers.yml", "answers", "  - title: When will my refund arrive?\n", "    ", "/properties/answers/items/properties"),
            new Probe("flows/hotline.yml", "flow", null, "", "/properties"));

    @Test
    void everyKeyInTheSchemasIsAcceptedByTheLoaderAndAnyOtherIsRefusedByBoth() throws IOException {
        Path dir = copyExample();
        ObjectMapper json = new ObjectMapper();
        for (Probe p : PROBES) {
            JsonNode props = json.readTree(OperatorSchemas.json(p.schema())).at(p.pointer());
            assertThat(props.isObject()).as(p.pointer()).isTrue();
            List<String> keys = new ArrayList<>(props.propertyNames());
            for (String key : keys) {
                assertThat(loaderErrors(withKey(dir, p, key))).as(p.file() + " " + p.pointer() + ": key " + key)
                        .noneSatisfy(e -> assertThat(e).contains("unknown key '" + key + "'"));
            }
            Path bogus = withKey(dir, p, "zz_not_a_key");
            assertThat(loaderErrors(bogus)).as(p.file() + " " + p.pointer()).anySatisfy(e -> assertThat(e).contains("unknown key 'zz_not_a_key'"));
            assertThat(schemaErrors(p.schema(), Files.readString(bogus.resolve(p.file())))).as(p.file() + " " + p.pointer())
                    .anySatisfy(e -> assertThat(e).contains("zz_not_a_key"));
            Files.copy(EXAMPLE.resolve(p.file()), dir.resolve(p.file()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void everyNodeTypeInTheSchemaIsOneTheLoaderKnowsWithTheSameKeys() throws IOException {
        JsonNode defs = new ObjectMapper().readTree(OperatorSchemas.json("flow")).get("$defs");
        assertThat(new TreeSet<>(defs.propertyNames())).isEqualTo(new TreeSet<>(OperatorShapes.STEPS.keySet()));
        Path dir = copyExample();
        Path flow = dir.resolve("flows/hotline.yml");
        String original = Files.readString(flow);
        for (String type : defs.propertyNames()) {
            List<String> keys = new ArrayList<>(defs.get(type).get("properties").propertyNames());
            for (String key : keys) {
                Files.writeString(flow, original + "  probe:\n    " + type + ": x\n" + (key.equals(type) ? "" : "    " + key + ": x\n"));
                assertThat(loaderErrors(dir)).as(type + " node: key " + key)
                        .noneSatisfy(e -> assertThat(e).contains("unknown key '" + key + "'"))
                        .noneSatisfy(e -> assertThat(e).contains("unknown node type"));
            }
            String bogus = original + "  probe:\n    " + type + ": x\n    zz_not_a_key: x\n";
            Files.writeString(flow, bogus);
            assertThat(loaderErrors(dir)).as(type).anySatisfy(e -> assertThat(e).contains("unknown key 'zz_not_a_key'"));
            assertThat(schemaErrors("flow", bogus)).as(type).isNotEmpty();
        }
    }

    /** A copy of the example folder with {@code key: 1} added to the probed mapping. */
    private static Path withKey(Path dir, Probe p, String key) throws IOException {
        String text = Files.readString(EXAMPLE.resolve(p.file()));
        String line = p.indent() + key + ": 1\n";
        if (p.afterLine() == null) text = text + "\n" + line;
        else {
            assertThat(text).contains(p.afterLine());
            text = text.replace(p.afterLine(), p.afterLine() + line);
        }
        Files.writeString(dir.resolve(p.file()), text);
        return dir;
    }
}
