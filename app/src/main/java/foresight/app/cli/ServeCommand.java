package foresight.app.cli;

import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.app.demo.DemoData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Starts the server and keeps it running until Ctrl-C. */
@Command(name = "serve", description = "Start the SIP server, flows, recording, transcription and HTTP API.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        ForesightConfig config = configOption.load();
        long t0 = System.nanoTime();
        Server server;
        try {
            server = new Server(config).start();
        } catch (foresight.sip.tls.TlsSetupException e) {
            System.err.println("foresight: " + e.getMessage());
            return 2;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // SIGTERM: stop taking calls and let those in progress finish (sip.drainSeconds) before closing.
                if (config.sip().drainSeconds() > 0) server.drain(java.time.Duration.ofSeconds(config.sip().drainSeconds()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.close();
            stopped.countDown();
        }, "shutdown"));
        printBanner(server, (System.nanoTime() - t0) / 1_000_000);
        stopped.await();
        return 0;
    }

    private static void printBanner(Server server, long ms) {
        var c = server.config();
        String host = c.sip().host();
        var out = new StringBuilder();
        out.append("\n==================================================================\n");
        out.append(" Foresight is ready (started in ").append(ms).append(" ms)\n\n");
        out.append(" Call the hotline:  sip:hotline@").append(host).append(':').append(c.sip().port()).append("  (UDP or TCP, G.711)\n");
        if (server.tlsFingerprint() != null) {
            out.append(" SIP over TLS:      sips:hotline@").append(host).append(':').append(c.sip().tlsPort())
                    .append("  certificate SHA-256 ").append(server.tlsFingerprint()).append('\n');
        }
        out.append(" Web / API:         http://").append("0.0.0.0".equals(c.http().host()) ? host : c.http().host()).append(':').append(server.httpPort())
                .append("/health   /metrics   /api/calls?q=refund\n");
        String token = server.newAdminToken();
        out.append(" Admin API token:   ").append(token != null ? token : "(in " + java.nio.file.Path.of(c.database().embeddedDataDir()).resolveSibling("admin-token") + ")").append('\n');
        String qa = server.newQaToken();
        out.append(" QA pages:          http://").append("0.0.0.0".equals(c.http().host()) ? host : c.http().host()).append(':').append(server.httpPort())
                .append("/qa   reviewer token: ").append(qa != null ? qa : "(in " + java.nio.file.Path.of(c.database().embeddedDataDir()).resolveSibling("qa-token") + ")").append('\n');
        String web = "http://" + ("0.0.0.0".equals(c.http().host()) ? host : c.http().host()) + ":" + server.httpPort();
        out.append(" Agent page:        ").append(web).append("/agent   (log in with the agent's SIP user and password)\n");
        out.append(" Wallboard:         ").append(web).append("/wallboard   (log in with the admin token)\n");
        out.append(" Flows:             ").append(web).append("/flows   (operator or admin token: diagrams with today's traffic, versions, rollback)\n");
        out.append("\n Demo callers (set your softphone's user/display number to one of these):\n");
        for (var d : DemoData.CALLERS) out.append(String.format("   %-11s %-22s %s%n", d.phone(), d.who(), d.expect()));
        out.append("\n Demo agents (register a softphone to ").append(host).append(':').append(c.sip().port()).append(", realm ").append(c.sip().realm()).append("):\n");
        for (var a : DemoData.AGENTS) out.append(String.format("   user %-5s password %-11s %s%n", a.username(), a.password(), a.name()));
        out.append("   feature codes from the phone: *41 log in, *42 log out, *43 not ready, *44 ready\n");
        out.append("\n Operator files: ").append(c.operator().dir()).append("  (edits are picked up live)\n");
        out.append(" Stop with Ctrl-C.\n");
        out.append("==================================================================\n");
        System.out.println(out);
    }
}
