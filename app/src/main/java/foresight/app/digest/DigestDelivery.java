package foresight.app.digest;

import foresight.app.config.ForesightConfig;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

/**
 * Sends a digest where {@code digest.*} says: POSTed as JSON to the webhook, emailed (text and HTML) through the SMTP
 * server. Blocks the calling thread (the scheduler's) for the network round trips; each failure is reported with
 * where it went.
 */
public final class DigestDelivery {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final ForesightConfig.Digest config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public DigestDelivery(ForesightConfig.Digest config) { this.config = config; }

    /** Delivers to every configured target; throws with every failure once all were tried. */
    public void deliver(DailyDigest digest) throws IOException {
        IOException failed = null;
        if (!config.webhook().isBlank()) {
            try {
                postWebhook(digest);
            } catch (IOException e) {
                failed = e;
            }
        }
        if (!config.smtpHost().isBlank()) {
            try {
                email(digest);
            } catch (IOException e) {
                if (failed == null) failed = e; else failed.addSuppressed(e);
            }
        }
        if (failed != null) throw failed;
    }

    void postWebhook(DailyDigest digest) throws IOException {
        var request = HttpRequest.newBuilder(URI.create(config.webhook())).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DigestText.json(digest), StandardCharsets.UTF_8)).build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("digest " + digest.date() + ": webhook " + config.webhook() + " answered " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("digest " + digest.date() + ": interrupted posting to " + config.webhook(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("digest ")) throw e;
            throw new IOException("digest " + digest.date() + ": webhook " + config.webhook() + " failed: " + e, e);
        }
    }

    void email(DailyDigest digest) throws IOException {
        if (config.smtpTo().isEmpty()) throw new IOException("digest " + digest.date() + ": digest.smtpHost is set but digest.smtpTo lists nobody");
        Properties props = new Properties();
        props.put("mail.smtp.host", config.smtpHost());
        props.put("mail.smtp.port", String.valueOf(config.smtpPort()));
        props.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
        boolean login = !config.smtpUser().isBlank();
        props.put("mail.smtp.auth", String.valueOf(login));
        if (config.smtpStartTls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        Session session = login ? Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(config.smtpUser(), config.smtpPassword());
            }
        }) : Session.getInstance(props);
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(config.smtpFrom()));
            for (String to : config.smtpTo()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(DigestText.subject(digest), "UTF-8");
            var text = new MimeBodyPart();
            text.setText(DigestText.text(digest), "UTF-8");
            var html = new MimeBodyPart();
            html.setContent(DigestText.html(digest), "text/html; charset=UTF-8");
            m.setContent(new MimeMultipart("alternative", text, html));
            Transport.send(m);
        } catch (MessagingException e) {
            throw new IOException("digest " + digest.date() + ": email through " + config.smtpHost() + ":" + config.smtpPort() + " failed: " + e.getMessage(), e);
        }
    }
}
