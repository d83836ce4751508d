package foresight.flows.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas (draft 2020-12) of the operator files, generated from {@link OperatorShapes}, the description the
 * loader checks against: editors with the YAML language server complete keys and flag mistakes while typing.
 * Stateless and thread-safe.
 */
public final class OperatorSchemas {
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OperatorSchemas() {}

    /** Schema names ({@code flow}, {@code queues}, ...): served as {@code /schemas/NAME.json}. */
    public static List<String> names() { return List.copyOf(OperatorShapes.FILES.keySet()); }

    /** The schema for {@code name} as pretty-printed JSON (ending in a newline), or null for an unknown name. */
    public static String json(String name) {
        Shape s = OperatorShapes.FILES.get(name);
        if (s == null) return null;
        try {
            return JSON.writeValueAsString(schema(name, s)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("schema " + name, e);
        }
    }

    /** Writes every schema as {@code DIR/NAME.json}; returns the files written. */
    public static List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new java.util.ArrayList<>();
        for (String n : names()) {
            Path p = dir.resolve(n + ".json");
            Files.writeString(p, json(n));
            out.add(p);
        }
        return out;
    }

    static ObjectNode schema(String name, Shape shape) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", DIALECT);
        root.put("$id", "https://foresight.dev/schemas/" + name + ".json");
        root.put("title", "Foresight " + name + " file");
        root.setAll(object(shape));
        if (shape == OperatorShapes.FLOW) {
            ObjectNode defs = root.putObject("$defs");
            for (Map.Entry<String, Shape> e : OperatorShapes.STEPS.entrySet()) {
                ObjectNode node = object(e.getValue());
                node.put("title", e.getKey() + " node");
                defs.set(e.getKey(), node);
            }
        }
        return root;
    }

    /** A mapping with exactly the shape's keys. */
    private static ObjectNode object(Shape shape) {
        ObjectNode o = JSON.createObjectNode();
        o.put("description", shape.doc());
        o.put("type", "object");
        ObjectNode props = o.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        for (Shape.Field f : shape.fields()) {
            props.set(f.key(), value(f));
            if (f.required()) required.add(f.key());
        }
        if (!required.isEmpty()) o.set("required", required);
        o.put("additionalProperties", false);
        return o;
    }

    private static ObjectNode value(Shape.Field f) {
        ObjectNode v = JSON.createObjectNode();
        v.put("description", f.doc());
        switch (f.kind()) {
            case TEXT, NODE -> v.put("type", "string");
            case SCALAR -> v.set("type", JSON.createArrayNode().add("string").add("number").add("boolean"));
            case NUMBER -> number(v, f);
            case BOOLEAN -> v.put("type", "boolean");
            case CHOICE -> {
                v.put("type", "string");
                ArrayNode e = v.putArray("enum");
                f.values().forEach(e::add);
            }
            case TEXTS -> {
                v.put("type", "array");
                v.putObject("items").set("type", JSON.createArrayNode().add("string").add("number").add("boolean"));
            }
            case TEXT_MAP -> {
                v.put("type", "object");
                if (f.keyPattern() != null) v.putObject("propertyNames").put("pattern", f.keyPattern());
                v.putObject("additionalProperties").set("type", JSON.createArrayNode().add("string").add("number").add("boolean"));
            }
            case NUMBER_MAP -> {
                v.put("type", "object");
                number(v.putObject("additionalProperties"), f);
            }
            case OBJECT -> v.setAll(object(f.shape()));
            case LIST -> {
                v.put("type", "array");
                v.set("items", object(f.shape()));
            }
            case SCALAR_OR_OBJECT -> {
                ArrayNode any = v.putArray("anyOf");
                any.addObject().set("type", JSON.createArrayNode().add("string").add("number").add("boolean").add("null"));
                any.add(object(f.shape()));
            }
            case NODES -> {
                v.put("type", "object");
                ArrayNode one = v.putObject("additionalProperties").putArray("oneOf");
                for (String type : OperatorShapes.STEPS.keySet()) one.addObject().put("$ref", "#/$defs/" + type);
            }
        }
        return v;
    }

    private static void number(ObjectNode v, Shape.Field f) {
        v.put("type", "number");
        put(v, "minimum", f.min());
        put(v, "maximum", f.max());
        if (f.dflt() != null) put(v, "default", f.dflt());
    }

    private static void put(ObjectNode v, String key, double d) {
        if (d == Math.rint(d)) v.put(key, (long) d);
        else v.put(key, d);
    }
}
