///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * SSL contexts built from the files {@code openssl} makes: a client context that trusts the JDK's
 * anchors or only the CAs of a PEM file, a server context from a PEM certificate chain and a
 * PKCS#8 key or from a PKCS#12 key store, and the parameters that make a socket safe to use: TLS
 * 1.2 as the floor, the host name checked, the server name sent.
 *
 * <pre>jbang tls-contexts [--cafile F] [--certfile F --keyfile F] [--pkcs12 F --password P]</pre>
 */
public class TlsContexts {

    /** Every certificate of a PEM file, in the file's order: a chain (leaf first) or a bundle of CAs. */
    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException, GeneralSecurityException {
        // TODO Read every certificate of the file (not only the first) with the JDK's X.509 CertificateFactory; a file
        //  with none is an error. See "Reading PEM files" in README.md.
        throw new UnsupportedOperationException("TODO readCertificates: every certificate of a PEM file (README.md, \"Reading PEM files\")");
    }

    /**
     * The private key of a PKCS#8 PEM file ("BEGIN PRIVATE KEY"), RSA or EC. Throws, saying how to
     * convert it, for the older forms the JDK cannot read ("BEGIN RSA PRIVATE KEY", "BEGIN EC
     * PRIVATE KEY") and for encrypted keys.
     */
    public static PrivateKey readPrivateKey(Path pemFile) throws IOException, GeneralSecurityException {
        // TODO Decode the base64 between the PKCS#8 markers into a key (RSA or EC); refuse the older forms with a message
        //  that says how to convert them. See "Reading PEM files" in README.md.
        throw new UnsupportedOperationException("TODO readPrivateKey: a PKCS#8 PEM key, RSA or EC (README.md, \"Reading PEM files\")");
    }

    /**
     * A client context that trusts only the CA certificates of {@code caFile}, or, when it is
     * null, the JDK's own trust anchors (its cacerts file): Python's create_default_context(cafile=...).
     */
    public static SSLContext clientContext(Path caFile) throws IOException, GeneralSecurityException {
        // TODO Build trust managers from the file's CAs (or the JDK's anchors when it is null) and a "TLS" context on them.
        //  See "Certificates, chains and anchors" in README.md.
        throw new UnsupportedOperationException("TODO clientContext: trust the CAs of a file (README.md, \"Certificates, chains and anchors\")");
    }

    /** The same, presenting the certificate chain of {@code certFile} and the key of {@code keyFile} (mutual TLS). */
    public static SSLContext clientContext(Path caFile, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        // TODO As clientContext(caFile), with key managers for the chain and key of the files too. See "Mutual TLS" in README.md.
        throw new UnsupportedOperationException("TODO clientContext: a client with a certificate (README.md, \"Mutual TLS\")");
    }

    /**
     * A server context presenting the chain of {@code certFile} (leaf first, then intermediates)
     * and the key of {@code keyFile}; with a {@code clientCaFile}, client certificates are verified
     * against its CAs.
     */
    public static SSLContext serverContext(Path certFile, Path keyFile, Path clientCaFile) throws IOException, GeneralSecurityException {
        // TODO Key managers for the key and its whole chain; trust managers for the client CAs when there are any.
        //  See "The server's side: key and chain" in README.md.
        throw new UnsupportedOperationException("TODO serverContext: a key and its chain from PEM files (README.md, \"The server's side: key and chain\")");
    }

    /** A server context from a PKCS#12 key store holding the key and its chain. */
    public static SSLContext serverContext(Path pkcs12File, char[] password) throws IOException, GeneralSecurityException {
        // TODO Load the PKCS#12 key store with its password and build key managers on it.
        //  See "The server's side: key and chain" in README.md.
        throw new UnsupportedOperationException("TODO serverContext: a PKCS#12 key store (README.md, \"The server's side: key and chain\")");
    }

    /**
     * The parameters of a client socket that is safe to use: TLS 1.2 or newer, the server's
     * certificate checked against {@code serverName} during the handshake, and {@code serverName}
     * sent as SNI (unless it is an address literal, which SNI does not carry).
     */
    public static SSLParameters clientParameters(SSLContext context, String serverName) {
        // TODO From the context's default parameters: the TLS 1.2 floor, the host-name check, the server name as SNI.
        //  See "Host names and SNI" and "Versions and the floor" in README.md.
        throw new UnsupportedOperationException("TODO clientParameters: floor, host-name check, SNI (README.md, \"Host names and SNI\")");
    }

    /** The parameters of a server socket: TLS 1.2 or newer, and a client certificate demanded when asked. */
    public static SSLParameters serverParameters(SSLContext context, boolean requireClientCert) {
        // TODO From the context's default parameters: the TLS 1.2 floor, and a client certificate demanded when asked.
        //  See "Versions and the floor" and "Mutual TLS" in README.md.
        throw new UnsupportedOperationException("TODO serverParameters: floor and client certificates (README.md, \"Versions and the floor\")");
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
