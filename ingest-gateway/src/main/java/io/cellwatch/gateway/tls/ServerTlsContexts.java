package io.cellwatch.gateway.tls;

import java.io.File;

import javax.net.ssl.SSLException;

import io.cellwatch.core.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Builds the server-side TLS contexts from {@link TlsConfig}, once at start-up. The JDK's TLS provider is used, so
 * no native library (netty-tcnative) is needed; TLS 1.2 and 1.3 only.
 */
public final class ServerTlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTlsContexts() {
    }

    /** The rig port's context (asking for a client certificate when a client CA is configured), or null when off. */
    public static SslContext rig(final TlsConfig tls) {
        if (!tls.rigTls()) {
            return null;
        }
        final SslContextBuilder b = builder(tls);
        if (tls.mutual()) {
            try {
                b.trustManager(new File(tls.rigClientCaFile())).clientAuth(ClientAuth.REQUIRE);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("setting '" + TlsConfig.RIG_CLIENT_CA_FILE + "' = '" + tls.rigClientCaFile()
                    + "': not a PEM certificate file (" + rootMessage(e) + ")");
            }
        }
        return build(b, tls);
    }

    /** The HTTP port's context (server certificate only: browsers have no client certificate), or null when off. */
    public static SslContext http(final TlsConfig tls) {
        return tls.httpTls() ? build(builder(tls), tls) : null;
    }

    private static SslContextBuilder builder(final TlsConfig tls) {
        try {
            return SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()))
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("settings '" + TlsConfig.CERT_FILE + "' = '" + tls.certFile() + "' and '"
                + TlsConfig.KEY_FILE + "' = '" + tls.keyFile() + "': not a PEM certificate chain and an unencrypted "
                + "PKCS#8 private key (" + rootMessage(e) + ")");
        }
    }

    private static SslContext build(final SslContextBuilder b, final TlsConfig tls) {
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("settings '" + TlsConfig.CERT_FILE + "' = '" + tls.certFile() + "' and '"
                + TlsConfig.KEY_FILE + "' = '" + tls.keyFile() + "' do not make a usable TLS context: "
                + rootMessage(e));
        }
    }

    private static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
