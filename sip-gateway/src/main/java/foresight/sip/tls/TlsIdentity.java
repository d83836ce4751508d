package foresight.sip.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The certificate chain and private key SIP over TLS presents, read from PEM files (certificate chain, leaf first;
 * key as PKCS#8, PKCS#1 RSA or SEC1 EC). Loading checks what would otherwise fail only at a phone's first handshake:
 * the leaf is valid now and the key belongs to it. Immutable.
 */
public record TlsIdentity(List<X509Certificate> chain, PrivateKey key, Path certFile, Path keyFile) {
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    public TlsIdentity {
        chain = List.copyOf(chain);
    }

    /** Reads and checks the pair. Errors name the file: {@code sip.tlsCert /etc/x.pem: certificate expired on ...}. */
    public static TlsIdentity load(Path certFile, Path keyFile, Instant now) throws TlsSetupException {
        List<X509Certificate> chain = readCertificates(certFile);
        X509Certificate leaf = chain.get(0);
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new TlsSetupException("sip.tlsCert " + certFile + ": certificate expired on " + leaf.getNotAfter().toInstant()
                    + " (subject " + leaf.getSubjectX500Principal().getName() + ")");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new TlsSetupException("sip.tlsCert " + certFile + ": certificate not valid before " + leaf.getNotBefore().toInstant());
        }
        PrivateKey key = readKey(keyFile);
        if (!belongsTo(key, leaf)) {
            throw new TlsSetupException("sip.tlsKey " + keyFile + ": the key does not match the certificate in " + certFile
                    + " (subject " + leaf.getSubjectX500Principal().getName() + ")");
        }
        return new TlsIdentity(chain, key, certFile, keyFile);
    }

    /**
     * The self-signed pair kept as {@code sip-tls.crt} / {@code sip-tls.key} in {@code dir}: loaded if present, else
     * created (EC P-256, ten years, the advertised host as CN and subjectAltName) and written, the key readable by its
     * owner only.
     */
    public static TlsIdentity selfSigned(Path dir, String host, Instant now) throws TlsSetupException {
        Path cert = dir.resolve("sip-tls.crt");
        Path key = dir.resolve("sip-tls.key");
        if (Files.exists(cert) && Files.exists(key)) return load(cert, key, now);
        try {
            Files.createDirectories(dir);
            var gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            var pair = gen.generateKeyPair();
            var name = new X500Name("CN=" + host + ",O=Foresight");
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), name, pair.getPublic());
            boolean literal = host.matches("[0-9.]+") || host.contains(":");
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(literal ? GeneralName.iPAddress : GeneralName.dNSName, host)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate c = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Files.writeString(cert, pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own permissions protect it
            }
            return new TlsIdentity(List.of(c), pair.getPrivate(), cert, key);
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new TlsSetupException("cannot create a self-signed SIP/TLS certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the leaf certificate, as {@code AB:CD:...} (what a softphone shows when asked to trust it). */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Key managers presenting this identity, for an {@link javax.net.ssl.SSLContext}. */
    public KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray(); // in memory only
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("sip", key, password, chain.toArray(new Certificate[0]));
        var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return kmf.getKeyManagers();
    }

    private static List<X509Certificate> readCertificates(Path file) throws TlsSetupException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
            if (out.isEmpty()) throw new TlsSetupException("sip.tlsCert " + file + ": no PEM certificate in the file");
            return out;
        } catch (IOException e) {
            throw new TlsSetupException("sip.tlsCert " + file + ": cannot read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("sip.tlsCert " + file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws TlsSetupException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); var pem = new PEMParser(r)) {
            Object o = pem.readObject();
            var conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) return conv.getKeyPair(kp).getPrivate();
            if (o instanceof PrivateKeyInfo pki) return conv.getPrivateKey(pki);
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsSetupException("sip.tlsKey " + file + ": the key is encrypted; give an unencrypted PEM key (e.g. openssl pkey -in KEY -out PLAIN)");
            }
            throw new TlsSetupException("sip.tlsKey " + file + ": no PEM private key in the file");
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException("sip.tlsKey " + file + ": not a PEM private key: " + e.getMessage(), e);
        }
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    private static boolean belongsTo(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null || !key.getAlgorithm().equalsIgnoreCase(cert.getPublicKey().getAlgorithm())) return false;
        try {
            byte[] probe = "foresight-tls-probe".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
