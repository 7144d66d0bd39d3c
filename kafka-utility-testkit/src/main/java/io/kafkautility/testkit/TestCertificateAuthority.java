package io.kafkautility.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for TLS tests, made with the JDK's {@code keytool} (no extra dependencies):
 * PKCS12 key stores signed by the CA, valid for {@code localhost} and {@code 127.0.0.1}, and a trust store holding the
 * CA certificate. Two authorities never trust each other, which gives the "untrusted certificate" case.
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create(dir, "test-ca");
 * Path brokerKeystore = ca.issueKeystore("broker");
 * options.clientSecurityProtocol(SecurityProtocol.SSL)
 *        .serverProperties(ca.serverSslProperties("client", brokerKeystore))
 *        .clientProperty("security.protocol", "SSL");
 * ca.clientSslProperties().forEach(options::clientProperty);
 * }</pre>
 *
 * <p>All stores share one random password ({@link #password()}), never shown by {@link #toString()}. Thread-safety:
 * {@link #issueKeystore} is serialised. The files live in the given directory; the caller deletes it. Each keytool run
 * is a JVM start (about 0.5 s); a CA and one key store take a few seconds. Every method throws
 * {@link KafkaTestkitException} if keytool fails.
 */
public final class TestCertificateAuthority {
    private final Path directory;
    private final String name;
    private final String password;
    private final Path caStore;
    private final Path caCert;
    private final Path truststore;

    private TestCertificateAuthority(Path directory, String name) {
        this.directory = directory;
        this.name = name;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.password = HexFormat.of().formatHex(random);
        this.caStore = directory.resolve(name + "-ca.p12");
        this.caCert = directory.resolve(name + "-ca.pem");
        this.truststore = directory.resolve(name + "-truststore.p12");
    }

    /**
     * Creates the CA key pair, its certificate and a trust store in {@code directory} (created if missing).
     *
     * @param name a file-name-safe name, also the CA's common name
     */
    public static TestCertificateAuthority create(Path directory, String name) {
        Objects.requireNonNull(directory, "directory");
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("name must match [A-Za-z0-9._-]+ but was " + name);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new KafkaTestkitException("cannot create " + directory, e);
        }
        TestCertificateAuthority ca = new TestCertificateAuthority(directory, name);
        ca.init();
        return ca;
    }

    private void init() {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=" + name, "-ext", "bc:c", "-keystore", caStore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", password,
                "-file", caCert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore",
                truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
    }

    /**
     * Issues a PKCS12 key store holding a key pair for {@code commonName} (SAN {@code DNS:localhost},
     * {@code IP:127.0.0.1}) and its chain signed by this CA.
     */
    public synchronized Path issueKeystore(String commonName) {
        if (commonName == null || !commonName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("commonName must match [A-Za-z0-9._-]+ but was " + commonName);
        }
        Path store = directory.resolve(name + "-" + commonName + ".p12");
        Path csr = directory.resolve(name + "-" + commonName + ".csr");
        Path cert = directory.resolve(name + "-" + commonName + ".pem");
        String san = "SAN=dns:localhost,ip:127.0.0.1";
        keytool("-genkeypair", "-alias", commonName, "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=" + commonName, "-ext", san, "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-certreq", "-alias", commonName, "-keystore", store.toString(), "-storepass", password,
                "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", password,
                "-infile", csr.toString(), "-outfile", cert.toString(), "-validity", "30", "-ext", san);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore",
                store.toString(), "-storepass", password);
        keytool("-importcert", "-alias", commonName, "-file", cert.toString(), "-keystore", store.toString(),
                "-storepass", password);
        return store;
    }

    /** The trust store (PKCS12) holding only this CA's certificate. */
    public Path truststore() {
        return truststore;
    }

    /** The password of every store this CA made. Treat it as a secret: it is never logged by the testkit. */
    public String password() {
        return password;
    }

    /**
     * Broker settings for an SSL (or SASL_SSL) listener named {@code listenerName} using {@code keystore}; client
     * certificates are not required.
     */
    public Map<String, String> serverSslProperties(String listenerName, Path keystore) {
        String prefix = "listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> p = new HashMap<>();
        p.put(prefix + "ssl.keystore.location", keystore.toString());
        p.put(prefix + "ssl.keystore.type", "PKCS12");
        p.put(prefix + "ssl.keystore.password", password);
        p.put(prefix + "ssl.key.password", password);
        p.put(prefix + "ssl.truststore.location", truststore.toString());
        p.put(prefix + "ssl.truststore.type", "PKCS12");
        p.put(prefix + "ssl.truststore.password", password);
        return p;
    }

    /** Client settings trusting this CA ({@code security.protocol} is left to the caller). */
    public Map<String, Object> clientSslProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", password);
        return p;
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new KafkaTestkitException("keytool " + args[0] + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new KafkaTestkitException("keytool " + args[0] + " failed (" + p.exitValue() + "): "
                        + out.trim());
            }
        } catch (IOException e) {
            throw new KafkaTestkitException("cannot run keytool: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTestkitException("interrupted while running keytool", e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority{name=" + name + ", directory=" + directory + '}';
    }
}
