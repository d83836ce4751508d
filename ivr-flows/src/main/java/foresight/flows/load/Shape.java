package foresight.flows.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one mapping of an operator file may hold: its keys, each with a type, range or choices and whether it is
 * required. The loader checks keys against it ({@link #keys()}) and {@link OperatorSchemas} writes the JSON
 * Schema from it, so the two cannot disagree about which keys exist.
 */
public record Shape(String name, String doc, List<Field> fields) {
    public Shape {
        fields = List.copyOf(fields);
        Set<String> seen = new java.util.HashSet<>();
        for (Field f : fields) if (!seen.add(f.key())) throw new IllegalArgumentException(name + ": key " + f.key() + " twice");
    }

    public static Shape of(String name, String doc, Field... fields) { return new Shape(name, doc, List.of(fields)); }

    /** The keys this mapping accepts, in declaration order. */
    public Set<String> keys() {
        Set<String> out = new java.util.LinkedHashSet<>();
        fields.forEach(f -> out.add(f.key()));
        return out;
    }

    public Field field(String key) {
        for (Field f : fields) if (f.key().equals(key)) return f;
        throw new IllegalArgumentException(name + " has no key " + key);
    }

    Map<String, Field> byKey() {
        Map<String, Field> out = new LinkedHashMap<>();
        fields.forEach(f -> out.put(f.key(), f));
        return out;
    }

    /** What a key's value is. */
    public enum Kind {
        /** A sentence or name (a YAML string). */
        TEXT,
        /** The id of another node of the same flow. */
        NODE,
        /** Any single value: string, number or true/false (digits an operator may leave unquoted). */
        SCALAR,
        /** A number within {@code min..max}. */
        NUMBER,
        /** true or false. */
        BOOLEAN,
        /** One of {@code values}. */
        CHOICE,
        /** A list of strings. */
        TEXTS,
        /** A mapping of free keys (matching {@code keyPattern} if set) to strings. */
        TEXT_MAP,
        /** A mapping of free keys to numbers within {@code min..max}. */
        NUMBER_MAP,
        /** A mapping of {@code shape}. */
        OBJECT,
        /** A list of mappings of {@code shape}. */
        LIST,
        /** A mapping of {@code shape}, or any single value meaning "defaults". */
        SCALAR_OR_OBJECT,
        /** A flow's nodes: node id to one of the node types. */
        NODES
    }

    /** One key of a mapping. {@code min}/{@code max}/{@code dflt} apply to numbers; {@code shape} to nested mappings. */
    public record Field(String key, Kind kind, boolean required, String doc, double min, double max, Double dflt, List<String> values,
                        Shape shape, String keyPattern) {
        public Field {
            values = values == null ? List.of() : List.copyOf(values);
        }

        static Field of(String key, Kind kind, String doc) { return new Field(key, kind, false, doc, 0, 0, null, null, null, null); }

        static Field text(String key, String doc) { return of(key, Kind.TEXT, doc); }

        static Field node(String key, String doc) { return of(key, Kind.NODE, doc); }

        static Field scalar(String key, String doc) { return of(key, Kind.SCALAR, doc); }

        static Field bool(String key, String doc) { return of(key, Kind.BOOLEAN, doc); }

        static Field texts(String key, String doc) { return of(key, Kind.TEXTS, doc); }

        static Field number(String key, double min, double max, double dflt, String doc) {
            return new Field(key, Kind.NUMBER, false, doc, min, max, dflt, null, null, null);
        }

        /** A number with no default: absent means "not used". */
        static Field optionalNumber(String key, double min, double max, String doc) {
            return new Field(key, Kind.NUMBER, false, doc, min, max, null, null, null, null);
        }

        static Field choice(String key, List<String> values, String doc) { return new Field(key, Kind.CHOICE, false, doc, 0, 0, null, values, null, null); }

        static Field textMap(String key, String keyPattern, String doc) { return new Field(key, Kind.TEXT_MAP, false, doc, 0, 0, null, null, null, keyPattern); }

        static Field numberMap(String key, double min, double max, String doc) { return new Field(key, Kind.NUMBER_MAP, false, doc, min, max, null, null, null, null); }

        static Field object(String key, Shape shape, String doc) { return new Field(key, Kind.OBJECT, false, doc, 0, 0, null, null, shape, null); }

        static Field list(String key, Shape shape, String doc) { return new Field(key, Kind.LIST, false, doc, 0, 0, null, null, shape, null); }

        static Field scalarOrObject(String key, Shape shape, String doc) { return new Field(key, Kind.SCALAR_OR_OBJECT, false, doc, 0, 0, null, null, shape, null); }

        static Field nodes(String key, String doc) { return of(key, Kind.NODES, doc); }

        Field mandatory() { return new Field(key, kind, true, doc, min, max, dflt, values, shape, keyPattern); }

        /** The default for a number field; fails for one without. */
        double defaultNumber() {
            if (dflt == null) throw new IllegalStateException(key + " has no default");
            return dflt;
        }
    }
}
