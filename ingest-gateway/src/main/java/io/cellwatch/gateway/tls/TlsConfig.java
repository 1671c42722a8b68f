package io.cellwatch.gateway.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.cellwatch.core.config.Settings;

/**
 * TLS settings of the gateway's two ports. Off by default (the embedded stack on one machine needs none); a plant
 * turns it on with a certificate its CA signed. Validated at start-up: a port with TLS on needs a readable
 * certificate and key file.
 *
 * @param rigTls          TLS on the rig port
 * @param httpTls         TLS (HTTPS) on the HTTP port
 * @param certFile        PEM file: the gateway's certificate, then any intermediate CA certificates
 * @param keyFile         PEM file: the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param rigClientCaFile PEM file of the CA(s) whose client certificates the rig port requires (mutual TLS), or
 *                        empty for none
 */
public record TlsConfig(boolean rigTls, boolean httpTls, String certFile, String keyFile, String rigClientCaFile) {
    public static final String RIG_TLS = "gateway.rig-tls";
    public static final String HTTP_TLS = "gateway.http-tls";
    public static final String CERT_FILE = "gateway.tls-cert-file";
    public static final String KEY_FILE = "gateway.tls-key-file";
    public static final String RIG_CLIENT_CA_FILE = "gateway.rig-tls-client-ca-file";

    /** Every key this config reads. */
    public static final List<String> KEYS = List.of(RIG_TLS, HTTP_TLS, CERT_FILE, KEY_FILE, RIG_CLIENT_CA_FILE);

    /** No TLS anywhere. */
    public static final TlsConfig OFF = new TlsConfig(false, false, "", "", "");

    public static TlsConfig from(final Settings s) {
        final boolean rig = s.bool(RIG_TLS, false);
        final boolean http = s.bool(HTTP_TLS, false);
        final String cert = s.string(CERT_FILE, "");
        final String key = s.string(KEY_FILE, "");
        final String clientCa = s.string(RIG_CLIENT_CA_FILE, "");
        if (rig || http) {
            requireReadable(s, CERT_FILE, cert, rig ? RIG_TLS : HTTP_TLS);
            requireReadable(s, KEY_FILE, key, rig ? RIG_TLS : HTTP_TLS);
        }
        if (!clientCa.isEmpty()) {
            if (!rig) {
                throw s.invalid(RIG_CLIENT_CA_FILE, "needs " + RIG_TLS + "=true (client certificates are checked "
                    + "only on a TLS rig port)");
            }
            requireReadable(s, RIG_CLIENT_CA_FILE, clientCa, RIG_TLS);
        }
        return new TlsConfig(rig, http, cert, key, clientCa);
    }

    private static void requireReadable(final Settings s, final String key, final String file, final String because) {
        if (file.isEmpty()) {
            throw s.invalid(key, "must name a PEM file when " + because + " is true");
        }
        if (!Files.isReadable(Path.of(file))) {
            throw s.invalid(key, "is not a readable file");
        }
    }

    /** Whether the rig port asks rigs for a client certificate. */
    public boolean mutual() {
        return !rigClientCaFile.isEmpty();
    }
}
