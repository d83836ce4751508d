package foresight.speech.asr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Moonshine's 32,000-token SentencePiece (llama) vocabulary, one token per line of {@code tokens.txt} (line number =
 * token id), extracted at build time from the npm package. Decodes as llama-tokenizer-js does: "▁" is a space,
 * {@code <0xNN>} tokens are raw UTF-8 bytes, control tokens are dropped. Immutable, thread-safe.
 */
final class MoonshineVocabulary {
    static final int SIZE = 32000;
    private final String[] tokens;

    MoonshineVocabulary(Path tokensFile) throws IOException {
        if (!Files.isRegularFile(tokensFile)) throw new IOException("Moonshine vocabulary not found: " + tokensFile.toAbsolutePath()
                + " (the speech module's Maven build extracts it from npm @usefulsensors/moonshine-js)");
        List<String> lines = Files.readAllLines(tokensFile, StandardCharsets.UTF_8);
        if (lines.size() != SIZE) throw new IOException(tokensFile + ": " + lines.size() + " tokens, expected " + SIZE);
        this.tokens = lines.toArray(String[]::new);
    }

    /** The text of token ids (without the start token), trimmed. */
    String decode(long[] ids, int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int id = (int) ids[i];
            if (id < 0 || id >= tokens.length) continue;
            String t = tokens[id];
            if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
                bytes.write(Integer.parseInt(t.substring(3, 5), 16));
            } else if (t.startsWith("<") && t.endsWith(">") && t.length() > 2 && (t.equals("<s>") || t.equals("</s>") || t.equals("<unk>"))) {
                continue;
            } else {
                bytes.writeBytes(t.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8).trim();
    }
}
