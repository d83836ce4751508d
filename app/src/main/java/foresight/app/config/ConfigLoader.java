package foresight.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the {@link ForesightConfig}: defaults, then the YAML file (if any), then environment variables.
 * Unknown keys and wrong types are errors reported as {@code file:line: message}.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {}

    public static ForesightConfig load(Path file, Map<String, String> env) throws ConfigException {
        ObjectNode tree = YAML.valueToTree(ForesightConfig.DEFAULT);
        if (file != null && Files.exists(file)) {
            try {
                JsonNode fromFile = YAML.readTree(file.toFile());
                if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
                    if (!fromFile.isObject()) throw new ConfigException(file + ":1: the config must be a mapping of sections");
                    YAML.readValue(file.toFile(), Partial.class); // read from the file, not the tree, so errors carry a line
                    merge(tree, (ObjectNode) fromFile, file.toString());
                }
            } catch (JsonProcessingException e) {
                JsonLocation loc = e.getLocation();
                int line = loc == null ? 1 : loc.getLineNr();
                if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                    line = lineOfKey(file, u.getPath(), line); // the YAML parser points past the value; name the key's line
                }
                throw new ConfigException(file + ":" + line + ": " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new ConfigException(file + ":1: cannot read: " + e.getMessage());
            }
        }
        applyEnv(tree, env);
        ForesightConfig c;
        try {
            c = YAML.treeToValue(tree, ForesightConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException("configuration: " + e.getOriginalMessage());
        }
        try {
            foresight.sip.guard.TrustedPeers.of(c.sip().trusted());
        } catch (IllegalArgumentException e) {
            throw new ConfigException((file != null && Files.exists(file) ? file + ":" + lineOfKey(file, trustedPath(), 1) + ": " : "configuration: ") + e.getMessage());
        }
        try {
            foresight.speech.tts.VoiceName.parse(c.speech().voice());
        } catch (IllegalArgumentException e) {
            int line = file == null || !Files.exists(file) ? -1 : lineOfKey(file, java.util.List.of(
                    new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "speech"),
                    new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "voice")), -1);
            throw new ConfigException((line < 0 ? "configuration" : file + ":" + line) + ": " + e.getMessage());
        }
        try {
            foresight.sip.SipConfig.SrtpPolicy.of(c.sip().srtp());
        } catch (IllegalArgumentException e) {
            throw new ConfigException((file != null && Files.exists(file) ? file + ":" + lineOfKey(file, java.util.List.of(
                    new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "sip"),
                    new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "srtp")), 1) + ": " : "configuration: ") + e.getMessage());
        }
        try {
            c.cluster().asAcdConfig();
        } catch (IllegalArgumentException e) {
            throw new ConfigException((file != null && Files.exists(file) ? file + ":" + lineOfKey(file, java.util.List.of(
                    new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "cluster")), 1) + ": " : "configuration: ") + e.getMessage());
        }
        if ("auto".equalsIgnoreCase(c.sip().host())) {
            c = c.withSip(c.sip().withHost(primaryAddress()));
        }
        return c;
    }

    private static java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> trustedPath() {
        return java.util.List.of(new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "sip"),
                new com.fasterxml.jackson.databind.JsonMappingException.Reference(null, "trusted"));
    }

    /** The line of the last key in {@code path} (searched after the line of each enclosing key), else {@code fallback}. */
    private static int lineOfKey(Path file, java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path, int fallback) {
        try {
            var lines = Files.readAllLines(file);
            int from = 0;
            int found = -1;
            for (var ref : path) {
                if (ref.getFieldName() == null) continue;
                var key = java.util.regex.Pattern.compile("^\\s*" + java.util.regex.Pattern.quote(ref.getFieldName()) + "\\s*:");
                found = -1;
                for (int i = from; i < lines.size(); i++) if (key.matcher(lines.get(i)).find()) { found = i; break; }
                if (found < 0) return fallback;
                from = found + 1;
            }
            return found < 0 ? fallback : found + 1;
        } catch (IOException e) {
            return fallback;
        }
    }

    /** Mirrors the record tree, so a file's mistakes are found with their line numbers. */
    record Partial(ForesightConfig.Sip sip, ForesightConfig.Http http, ForesightConfig.Database database, ForesightConfig.Speech speech,
                   ForesightConfig.Operator operator, ForesightConfig.Recording recording, ForesightConfig.Transcription transcription,
                   ForesightConfig.Demo demo, ForesightConfig.Prediction prediction, ForesightConfig.Acd acd,
                   ForesightConfig.Digest digest, ForesightConfig.Cluster cluster) {}

    private static void merge(ObjectNode into, ObjectNode from, String file) throws ConfigException {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode target = into.get(e.getKey());
            if (target instanceof ObjectNode t && e.getValue() instanceof ObjectNode v) merge(t, v, file);
            else into.set(e.getKey(), e.getValue());
        }
    }

    /** FORESIGHT_SIP_PORT → sip.port; FORESIGHT_SPEECH_MODEL_DIR → speech.modelDir (underscores and case ignored). */
    private static void applyEnv(ObjectNode tree, Map<String, String> env) throws ConfigException {
        for (var e : env.entrySet()) {
            if (!e.getKey().startsWith("FORESIGHT_")) continue;
            String rest = e.getKey().substring("FORESIGHT_".length());
            int us = rest.indexOf('_');
            if (us < 0) continue;
            String section = rest.substring(0, us).toLowerCase();
            String field = rest.substring(us + 1).replace("_", "").toLowerCase();
            if (!(tree.get(section) instanceof ObjectNode s)) throw new ConfigException("environment " + e.getKey() + ": no config section '" + section + "'");
            String match = null;
            for (Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
                String n = names.next();
                if (n.toLowerCase().equals(field)) match = n;
            }
            if (match == null) throw new ConfigException("environment " + e.getKey() + ": section '" + section + "' has no field like '" + field + "'");
            if (s.get(match) instanceof com.fasterxml.jackson.databind.node.ArrayNode) {
                var list = s.putArray(match); // a list from the environment: comma-separated (FORESIGHT_SIP_TRUSTED=10.0.0.0/8,127.0.0.1/32)
                for (String item : e.getValue().split(",")) if (!item.isBlank()) list.add(item.trim());
            } else {
                s.put(match, e.getValue());
            }
        }
    }

    static String primaryAddress() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback() || ni.isVirtual()) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return a.getHostAddress();
                }
            }
        } catch (IOException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }

    /** A configuration mistake, as {@code file:line: message}. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) { super(message); }
    }
}
