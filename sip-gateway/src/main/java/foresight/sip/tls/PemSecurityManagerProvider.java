package foresight.sip.tls;

import gov.nist.core.net.SecurityManagerProvider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Properties;

/**
 * Hands JAIN-SIP's TLS transport the {@link TlsIdentity} read from the PEM files named in the stack properties
 * {@value #CERT} and {@value #KEY} (the stack instantiates this class by name, from
 * {@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}). Phones are not asked for certificates; when the server
 * itself connects out over TLS it trusts the JDK's CA certificates.
 */
public final class PemSecurityManagerProvider implements SecurityManagerProvider {
    public static final String CERT = "foresight.sip.tls.cert";
    public static final String KEY = "foresight.sip.tls.key";

    private KeyManager[] keyManagers;
    private TrustManager[] trustManagers;

    @Override
    public void init(Properties properties) throws GeneralSecurityException, IOException {
        String cert = properties.getProperty(CERT);
        String key = properties.getProperty(KEY);
        if (cert == null || key == null) throw new GeneralSecurityException("stack properties " + CERT + " and " + KEY + " must name PEM files");
        try {
            keyManagers = TlsIdentity.load(Path.of(cert), Path.of(key), Instant.now()).keyManagers();
        } catch (TlsSetupException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        trustManagers = tmf.getTrustManagers();
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) { return keyManagers; }

    @Override
    public TrustManager[] getTrustManagers(boolean client) { return trustManagers; }
}
