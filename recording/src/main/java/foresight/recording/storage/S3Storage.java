package foresight.recording.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Recordings in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Wasabi, …): uploaded once the call is
 * transcribed and redacted, as {@code PREFIX/yyyy/MM/dd/CALLID.wav}, then removed from the local disk. Locations
 * are {@code s3://bucket/key}; anything else is a local path from before S3 was configured and is served from disk.
 * Path-style addressing, so endpoints without bucket DNS names work.
 */
public final class S3Storage implements RecordingStorage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    /** Where and as whom: an empty endpoint means AWS itself. */
    public record Settings(String endpoint, String region, String bucket, String prefix, String accessKey, String secretKey) {}

    private final Settings settings;
    private final S3Client s3;
    private final LocalStorage local = new LocalStorage();

    public S3Storage(Settings settings) {
        if (settings.bucket() == null || settings.bucket().isBlank()) throw new IllegalArgumentException("recording.s3Bucket is required for S3 storage");
        if (settings.accessKey() == null || settings.accessKey().isBlank() || settings.secretKey() == null || settings.secretKey().isBlank()) {
            throw new IllegalArgumentException("recording.s3AccessKey and recording.s3SecretKey are required for S3 storage");
        }
        this.settings = settings;
        var b = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region() == null || settings.region().isBlank() ? "us-east-1" : settings.region()))
                // Path-style addressing; plain signed bodies: no aws-chunked encoding (the SDK's default over plain HTTP)
                // and no trailing checksums (its default since 2.30), which many S3-compatible servers store as part
                // of the object.
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true).chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) b.endpointOverride(URI.create(settings.endpoint()));
        this.s3 = b.build();
    }

    private String key(String callId) {
        String p = settings.prefix() == null ? "" : settings.prefix().replaceAll("^/+|/+$", "");
        return (p.isEmpty() ? "" : p + "/") + DAY.format(Instant.now()) + "/" + callId + ".wav";
    }

    @Override
    public String archive(String callId, Path localWav) throws IOException {
        String key = key(callId);
        try {
            s3.putObject(r -> r.bucket(settings.bucket()).key(key).contentType("audio/wav"), RequestBody.fromFile(localWav));
            Path unredacted = localWav.resolveSibling(RecordingStorage.unredactedName(localWav.getFileName().toString()));
            if (Files.exists(unredacted)) {
                s3.putObject(r -> r.bucket(settings.bucket()).key(RecordingStorage.unredactedName(key)).contentType("audio/wav"), RequestBody.fromFile(unredacted));
            }
        } catch (S3Exception | software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IOException("upload to s3://" + settings.bucket() + "/" + key + " failed: " + e.getMessage(), e);
        }
        local.delete(localWav.toString()); // only after both uploads succeeded
        String location = "s3://" + settings.bucket() + "/" + key;
        log.info("call={} event=recording_archived location={}", callId, location);
        return location;
    }

    @Override
    public Audio open(String location) throws IOException {
        if (!location.startsWith("s3://")) return local.open(location);
        String[] bk = bucketAndKey(location);
        try {
            var in = s3.getObject(r -> r.bucket(bk[0]).key(bk[1]));
            return new Audio(in, in.response().contentLength());
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(location);
        } catch (S3Exception | software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IOException("reading " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String location) throws IOException {
        if (!location.startsWith("s3://")) return local.exists(location);
        String[] bk = bucketAndKey(location);
        try {
            s3.headObject(r -> r.bucket(bk[0]).key(bk[1]));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false; // HEAD answers carry no error code, only the status
            throw new IOException("asking for " + location + " failed: " + e.getMessage(), e);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IOException("asking for " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String location) throws IOException {
        if (!location.startsWith("s3://")) {
            local.delete(location);
            return;
        }
        String[] bk = bucketAndKey(location);
        try {
            s3.deleteObject(r -> r.bucket(bk[0]).key(bk[1]));
            s3.deleteObject(r -> r.bucket(bk[0]).key(RecordingStorage.unredactedName(bk[1])));
        } catch (S3Exception | software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IOException("deleting " + location + " failed: " + e.getMessage(), e);
        }
    }

    private static String[] bucketAndKey(String location) {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an s3://bucket/key location: " + location);
        return new String[]{rest.substring(0, slash), rest.substring(slash + 1)};
    }

    @Override
    public String describe() {
        return "s3://" + settings.bucket() + "/" + (settings.prefix() == null ? "" : settings.prefix())
                + (settings.endpoint() == null || settings.endpoint().isBlank() ? "" : " at " + settings.endpoint());
    }

    @Override
    public void close() { s3.close(); }
}
