package io.cellwatch.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway plant CA, a gateway certificate for 127.0.0.1/localhost and a rig client certificate, made at test
 * time with the JDK's keytool (so no private key is committed), the same way docs/deploy.md shows. Keys are EC
 * P-256 (fast to generate); everything is valid for two days.
 */
public final class TestCertificates {
    /** Password of the PKCS#12 stores (test only). */
    public static final char[] PASSWORD = "test-only".toCharArray();

    /** The CA's certificate (PEM): what rigs and curl trust, and the gateway's client CA for mutual TLS. */
    public final Path caPem;
    /** The gateway's certificate (PEM), signed by the CA, for IP 127.0.0.1 and DNS localhost. */
    public final Path gatewayCertPem;
    /** The gateway's private key, unencrypted PKCS#8 PEM. */
    public final Path gatewayKeyPem;
    /** The rig's key and certificate chain (PKCS#12), for mutual TLS. */
    public final Path rigKeyStore;

    private final Path dir;

    private TestCertificates(final Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.gatewayCertPem = dir.resolve("gateway.pem");
        this.gatewayKeyPem = dir.resolve("gateway-key.pem");
        this.rigKeyStore = dir.resolve("rig.p12");
    }

    /** Generates everything into {@code dir}. */
    public static TestCertificates create(final Path dir) throws IOException, InterruptedException,
        GeneralSecurityException {
        final TestCertificates c = new TestCertificates(dir);
        c.make();
        return c;
    }

    private void make() throws IOException, InterruptedException, GeneralSecurityException {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=CellWatch Test Plant CA", "-ext", "bc:c", "-keystore", "ca.p12");
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", "ca.pem", "-keystore", "ca.p12");
        signedKeyPair("gateway", "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
        writePkcs8Pem(dir.resolve("gateway.p12"), "gateway", gatewayKeyPem);
        signedKeyPair("rig", "CN=rigT", "san=dns:rigT", "eku=clientAuth");
        // The rig's store gets the CA, then the signed certificate as the reply to its key (a complete chain).
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "rig.p12");
        keytool("-importcert", "-alias", "rig", "-file", "rig.pem", "-keystore", "rig.p12");
    }

    private void signedKeyPair(final String name, final String dname, final String san, final String eku)
        throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", dname, "-keystore", name + ".p12");
        keytool("-certreq", "-alias", name, "-file", name + ".csr", "-keystore", name + ".p12");
        keytool("-gencert", "-alias", "ca", "-infile", name + ".csr", "-outfile", name + ".pem", "-rfc",
            "-validity", "2", "-ext", san, "-ext", eku, "-keystore", "ca.p12");
    }

    private void keytool(final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
        final Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** keytool cannot export a private key; the JDK's KeyStore can, as the PKCS#8 bytes a PEM file wraps. */
    private static void writePkcs8Pem(final Path store, final String alias, final Path pem)
        throws IOException, GeneralSecurityException {
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        final PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD);
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    }
}
