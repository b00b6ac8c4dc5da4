///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * SSL contexts built from the files {@code openssl} makes: a client context that trusts the JDK's
 * anchors or only the CAs of a PEM file, a server context from a PEM certificate chain and a
 * PKCS#8 key or from a PKCS#12 key store, and the parameters that make a socket safe to use: TLS
 * 1.2 as the floor, the host name checked, the server name sent.
 *
 * <pre>jbang tls-contexts [--cafile F] [--certfile F --keyfile F] [--pkcs12 F --password P]</pre>
 */
public class TlsContexts {

    /** The floor: TLS 1.2, and 1.3 above it. Everything older is broken or deprecated (RFC 8996). */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The password of the key stores made in memory here; they never reach a disk. */
    private static final char[] IN_MEMORY = "in memory".toCharArray();

    /** Every certificate of a PEM file, in the file's order: a chain (leaf first) or a bundle of CAs. */
    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pemFile)) {
            // generateCertificates reads every "BEGIN CERTIFICATE" block; generateCertificate would stop at the first.
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException(pemFile + " holds no certificate (no \"BEGIN CERTIFICATE\" block)");
        }
        return certificates;
    }

    /**
     * The private key of a PKCS#8 PEM file ("BEGIN PRIVATE KEY"), RSA or EC. Throws, saying how to
     * convert it, for the older forms the JDK cannot read ("BEGIN RSA PRIVATE KEY", "BEGIN EC
     * PRIVATE KEY") and for encrypted keys.
     */
    public static PrivateKey readPrivateKey(Path pemFile) throws IOException, GeneralSecurityException {
        String text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new InvalidKeySpecException(pemFile + " holds a key in openssl's older form, which the JDK does not read: "
                    + "convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem`");
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new InvalidKeySpecException(pemFile + " holds an encrypted key: decrypt it with `openssl pkcs8 -in KEY -out PLAIN.pem`,"
                    + " or use a PKCS#12 key store");
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end, Math.max(from, 0));
        if (from < 0 || to < 0) {
            throw new InvalidKeySpecException(pemFile + " holds no PKCS#8 key (no \"" + begin + "\" block)");
        }
        // The MIME decoder skips the line breaks of PEM's 64-column lines; the basic decoder would refuse them.
        byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        var spec = new PKCS8EncodedKeySpec(der);
        // PKCS#8 names the key's algorithm inside; each KeyFactory accepts only its own.
        for (String algorithm : List.of("RSA", "EC", "RSASSA-PSS", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new InvalidKeySpecException(pemFile + " holds a PKCS#8 key of an algorithm this script does not know");
    }

    /**
     * A client context that trusts only the CA certificates of {@code caFile}, or, when it is
     * null, the JDK's own trust anchors (its cacerts file): Python's create_default_context(cafile=...).
     */
    public static SSLContext clientContext(Path caFile) throws IOException, GeneralSecurityException {
        return context(null, trust(caFile));
    }

    /** The same, presenting the certificate chain of {@code certFile} and the key of {@code keyFile} (mutual TLS). */
    public static SSLContext clientContext(Path caFile, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        return context(keys(readCertificates(certFile), readPrivateKey(keyFile)), trust(caFile));
    }

    /**
     * A server context presenting the chain of {@code certFile} (leaf first, then intermediates)
     * and the key of {@code keyFile}; with a {@code clientCaFile}, client certificates are verified
     * against its CAs.
     */
    public static SSLContext serverContext(Path certFile, Path keyFile, Path clientCaFile) throws IOException, GeneralSecurityException {
        return context(keys(readCertificates(certFile), readPrivateKey(keyFile)), clientCaFile == null ? null : trust(clientCaFile));
    }

    /** A server context from a PKCS#12 key store holding the key and its chain. */
    public static SSLContext serverContext(Path pkcs12File, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12File)) {
            store.load(in, password);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, password); // the key inside is protected by the same password
        return context(factory.getKeyManagers(), null);
    }

    /**
     * The parameters of a client socket that is safe to use: TLS 1.2 or newer, the server's
     * certificate checked against {@code serverName} during the handshake, and {@code serverName}
     * sent as SNI (unless it is an address literal, which SNI does not carry).
     */
    public static SSLParameters clientParameters(SSLContext context, String serverName) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(floor(parameters.getProtocols()));
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // without it, any valid certificate for any name passes
        if (!isAddressLiteral(serverName)) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        return parameters;
    }

    /** The parameters of a server socket: TLS 1.2 or newer, and a client certificate demanded when asked. */
    public static SSLParameters serverParameters(SSLContext context, boolean requireClientCert) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(floor(parameters.getProtocols()));
        parameters.setNeedClientAuth(requireClientCert);
        return parameters;
    }

    private static String[] floor(String[] protocols) {
        return Arrays.stream(protocols).filter(PROTOCOLS::contains).toArray(String[]::new);
    }

    private static boolean isAddressLiteral(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    private static TrustManager[] trust(Path caFile) throws IOException, GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        if (caFile == null) {
            factory.init((KeyStore) null); // null: the JDK's default anchors
            return factory.getTrustManagers();
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        List<X509Certificate> cas = readCertificates(caFile);
        for (int i = 0; i < cas.size(); i++) {
            anchors.setCertificateEntry("ca-" + i, cas.get(i));
        }
        factory.init(anchors);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keys(List<X509Certificate> chain, PrivateKey key) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", key, IN_MEMORY, chain.toArray(X509Certificate[]::new)); // the whole chain: clients need the intermediates
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, IN_MEMORY);
        return factory.getKeyManagers();
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS"); // "TLS": every version the JDK has; the parameters set the floor
        context.init(keys, trust, null);
        return context;
    }

    static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + " (issued by " + certificate.getIssuerX500Principal().getName()
                + ", valid until " + certificate.getNotAfter().toInstant() + ")";
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        var command = new CommandLine("TlsContexts [--cafile FILE] [--certfile FILE --keyfile FILE] [--pkcs12 FILE --password PASSWORD]", args);
        Path caFile = command.path("--cafile", null), certFile = command.path("--certfile", null), keyFile = command.path("--keyfile", null);
        Path pkcs12File = command.path("--pkcs12", null);
        if ((certFile == null) != (keyFile == null) || (pkcs12File == null) != (command.text("--password", null) == null)) {
            throw command.fail("--certfile goes with --keyfile, --pkcs12 with --password");
        }
        System.out.println("Client context: trusts " + (caFile == null ? "the JDK's default anchors" : "the CAs of " + caFile)
                + "; protocols " + String.join(", ", clientParameters(clientContext(caFile), "localhost").getProtocols()));
        (caFile == null ? List.<X509Certificate>of() : readCertificates(caFile)).forEach(ca -> System.out.println("  anchor: " + describe(ca)));
        if (certFile != null) {
            System.out.println("Server context from " + certFile + " and " + keyFile + " (" + readPrivateKey(keyFile).getAlgorithm() + " key); protocols "
                    + String.join(", ", serverParameters(serverContext(certFile, keyFile, null), false).getProtocols()));
            readCertificates(certFile).forEach(certificate -> System.out.println("  chain: " + describe(certificate)));
        }
        if (pkcs12File != null) {
            serverContext(pkcs12File, command.text("--password", null).toCharArray());
            System.out.println("Server context from the key store " + pkcs12File);
        }
    }
}
