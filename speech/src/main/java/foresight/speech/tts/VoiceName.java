package foresight.speech.tts;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The voices {@code speech.voice} may name. */
public enum VoiceName {
    /** Festival with the HTS {@code us-slt} voice, run as long-lived external processes (Debian {@code festival festvox-us-slt-hts}). */
    FESTIVAL_SLT("festival-slt"),
    /** FreeTTS {@code kevin16}, in the JVM: always available, robotic. */
    KEVIN16("kevin16");

    private final String configName;

    VoiceName(String configName) { this.configName = configName; }

    public String configName() { return configName; }

    /** The voice named {@code name}, or an error listing the valid names. */
    public static VoiceName parse(String name) {
        for (VoiceName v : values()) if (v.configName.equalsIgnoreCase(name == null ? "" : name.trim())) return v;
        throw new IllegalArgumentException("speech.voice must be one of " + Arrays.stream(values()).map(VoiceName::configName)
                .collect(Collectors.joining(", ")) + ", was '" + name + "'");
    }
}
