package io.cellwatch.rig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings for {@link RigClient}, from the files a plant hands out: the CA certificate(s) that signed the
 * gateway's certificate (PEM), and, where the gateway requires client certificates, the rig's own key and
 * certificate in a PKCS#12 key store. JDK only.
 */
public final class RigTls {
    private RigTls() {
    }

    /** Trusts exactly the CA certificates in {@code caPemFile} (for example the plant CA), not the JDK's defaults. */
    public static SSLContext trusting(final Path caPemFile) throws IOException, GeneralSecurityException {
        return context(caPemFile, null, null);
    }

    /**
     * Trusts the CAs in {@code caPemFile} and presents the key and certificate chain in {@code keyStore} (PKCS#12)
     * to a gateway that requires client certificates (mutual TLS).
     */
    public static SSLContext withClientCertificate(final Path caPemFile, final Path keyStore, final char[] password)
        throws IOException, GeneralSecurityException {
        return context(caPemFile, keyStore, password);
    }

    private static SSLContext context(final Path caPemFile, final Path keyStore, final char[] password)
        throws IOException, GeneralSecurityException {
        final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        final Collection<? extends Certificate> cas;
        try (InputStream in = Files.newInputStream(caPemFile)) {
            cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (cas.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + caPemFile);
        }
        int i = 0;
        for (Certificate ca : cas) {
            trusted.setCertificateEntry("ca-" + i++, ca);
        }
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                keys.load(in, password);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }
}
