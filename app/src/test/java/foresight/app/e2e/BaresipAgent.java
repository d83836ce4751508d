package foresight.app.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An agent on a real softphone: baresip registers with digest auth, answers automatically, speaks a WAV file
 * as its microphone and dumps what it hears (sndfile module) so the test can check audio reached the agent.
 */
final class BaresipAgent implements AutoCloseable {
    final Path dir;
    private final Process process;
    private final int ctrlPort;

    BaresipAgent(Path dir, String user, String password, int registrarPort, int sipPort, int rtpMin, Path micWav) throws IOException {
        this(dir, user, password, registrarPort, sipPort, rtpMin, micWav, 0);
    }

    /** With {@code ctrlPort} > 0 the phone also takes commands (hold, resume, transfer …) over baresip's ctrl_tcp. */
    BaresipAgent(Path dir, String user, String password, int registrarPort, int sipPort, int rtpMin, Path micWav, int ctrlPort) throws IOException {
        this(dir, user, password, registrarPort, sipPort, rtpMin, micWav, ctrlPort, true);
    }

    /** With {@code answers} false the phone rings and is never picked up: an agent away from their desk. */
    BaresipAgent(Path dir, String user, String password, int registrarPort, int sipPort, int rtpMin, Path micWav, int ctrlPort,
                 boolean answers) throws IOException {
        this.dir = dir;
        this.ctrlPort = ctrlPort;
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                "audio_player aubridge,sink",
                "audio_alert aubridge,sink",
                "audio_source aufile," + micWav.toAbsolutePath(),
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module aubridge.so",
                "module sndfile.so",
                "module_app account.so",
                "module_app menu.so",
                ctrlPort > 0 ? "module_app ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:" + ctrlPort : "",
                "snd_path " + dir.toAbsolutePath(),
                "rtp_ports " + rtpMin + "-" + (rtpMin + 100),
                ""));
        Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@127.0.0.1:" + registrarPort + ">;auth_pass=" + password
                + ";answermode=" + (answers ? "auto" : "manual") + ";regint=300\n");
        process = new ProcessBuilder("baresip", "-f", dir.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();
    }

    /**
     * Presses a softphone button through ctrl_tcp: a JSON command in a netstring, e.g. {@code hold}, {@code resume},
     * {@code transfer sip:2002@host}. Returns baresip's JSON response.
     */
    String command(String command, String params) throws IOException {
        if (ctrlPort <= 0) throw new IllegalStateException("started without a control port");
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params + "\",\"token\":\"t\"}";
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var socket = new java.net.Socket("127.0.0.1", ctrlPort)) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            out.write((body.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
            var in = socket.getInputStream();
            var response = new StringBuilder();
            int c;
            // The response netstring may be preceded by event netstrings; read until ours (token "t") is complete.
            while ((c = in.read()) >= 0) {
                response.append((char) c);
                if (c == ',' && response.indexOf("\"token\":\"t\"") >= 0) break;
            }
            return response.toString();
        }
    }

    String log() throws IOException { return Files.readString(dir.resolve("baresip.log")); }

    /** The WAV of what the agent's phone decoded from the network (sndfile writes one per call and direction). */
    Optional<Path> heardWav() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dump") && p.getFileName().toString().contains("dec"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
