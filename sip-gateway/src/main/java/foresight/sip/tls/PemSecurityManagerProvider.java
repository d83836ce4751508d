package foresight.sip.tls;

import gov.nist.core.net.SecurityManagerProvider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Properties;

/**
 * Hands JAIN-SIP's TLS transport the {@link TlsIdentity} read from the PEM files named in the stack properties
 * {@value #CERT} and {@value #KEY} (the stack instantiates this class by name, from
 * {@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}). Phones are not asked for certificates. When the server
 * connects out over TLS, to an agent's registered TLS contact, it accepts the phone's certificate unverified (phones
 * use self-signed ones; the agent proved who it is with digest at registration, as Asterisk's default
 * {@code verify_server=no} does): the connection is encrypted, not authenticated by certificate.
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
        trustManagers = new TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) { }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) { }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }};
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) { return keyManagers; }

    @Override
    public TrustManager[] getTrustManagers(boolean client) { return trustManagers; }
}
