package netbasics.chapters.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import netbasics.fixtures.tls.LegacyTls;
import netbasics.fixtures.tls.ReferenceContexts;
import netbasics.fixtures.tls.TestPki;
import netbasics.fixtures.tls.TestPki.Credentials;
import netbasics.fixtures.tls.TestPki.Identity;
import netbasics.fixtures.tls.TlsTestClient;
import netbasics.fixtures.tls.TlsTestServer;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TlsContexts: contexts from the files openssl makes, and safe socket parameters.
 *
 * <table>
 * <caption>Each clause of the contract (javadoc, TODO, "Reading PEM files" and the sections after it) and its test</caption>
 * <tr><th>clause</th><th>test</th></tr>
 * <tr><td>readCertificates returns every certificate of a PEM file, in the file's order: a chain, leaf first, or a bundle
 *     with text between its blocks</td><td>{@link #reads_every_certificate_of_a_chain_and_of_a_bundle}</td></tr>
 * <tr><td>readCertificates: a file with no certificate in it (empty, or only a key) is an error, not an empty list</td>
 *     <td>{@link #a_file_without_a_certificate_is_an_error}</td></tr>
 * <tr><td>readPrivateKey reads a PKCS#8 PEM key, RSA or EC, whatever the line ends</td>
 *     <td>{@link #reads_pkcs8_keys_rsa_and_ec}</td></tr>
 * <tr><td>readPrivateKey throws for the older forms (BEGIN RSA / EC PRIVATE KEY), saying how to convert them (PKCS#8,
 *     openssl)</td><td>{@link #says_what_to_do_with_a_key_in_the_older_form}</td></tr>
 * <tr><td>readPrivateKey throws for an encrypted key, saying it is encrypted</td>
 *     <td>{@link #says_that_an_encrypted_key_must_be_decrypted_first}</td></tr>
 * <tr><td>clientContext(caFile) trusts exactly the CAs of its file (one, or a bundle), nothing else</td>
 *     <td>{@link #a_client_context_trusts_exactly_the_cas_of_its_file}</td></tr>
 * <tr><td>the client context keeps the trust manager's date checks: expired and not-yet-valid refused</td>
 *     <td>{@link #a_client_context_refuses_expired_and_not_yet_valid_certificates}</td></tr>
 * <tr><td>clientContext(null) trusts the JDK's anchors (which know nothing of the test CA)</td>
 *     <td>{@link #a_client_context_without_a_file_trusts_the_jdk_anchors}: the refusal only; that a public CA is trusted
 *     would need a public server, which a loopback test cannot reach</td></tr>
 * <tr><td>clientContext(caFile, certFile, keyFile) presents the chain and key, and trusts caFile</td>
 *     <td>{@link #a_client_context_with_a_certificate_presents_it}</td></tr>
 * <tr><td>serverContext(certFile, keyFile, null) presents the whole chain (leaf, then intermediates), EC and RSA keys</td>
 *     <td>{@link #a_server_context_from_pem_files_presents_the_whole_chain}</td></tr>
 * <tr><td>serverContext(..., clientCaFile) verifies client certificates against those CAs</td>
 *     <td>{@link #a_server_context_with_a_client_ca_verifies_client_certificates}</td></tr>
 * <tr><td>serverContext(pkcs12File, password) serves the key and chain of the store</td>
 *     <td>{@link #a_server_context_from_a_pkcs12_key_store}</td></tr>
 * <tr><td>clientParameters: TLS 1.2 floor; the name checked in the handshake, for host names and addresses; the name sent
 *     as SNI, and no SNI for an address literal, IPv4 or IPv6</td>
 *     <td>{@link #client_parameters_check_the_name_send_it_and_keep_to_tls_1_2_and_up}</td></tr>
 * <tr><td>serverParameters: TLS 1.2 floor; a client certificate needed when asked, not even wanted otherwise</td>
 *     <td>{@link #server_parameters_keep_to_tls_1_2_and_up_and_demand_client_certificates}</td></tr>
 * <tr><td>main describes the files it reads; bad arguments: usage, exit 2</td><td>{@link #main_describes_the_files_it_reads}</td></tr>
 * </table>
 */
@Exercise(chapter = "06-tls", script = "TlsContexts")
public class TlsContextsTest {

    private static final Duration WITHIN = Duration.ofSeconds(2);
    private static final TestPki PKI = TestPki.get();

    private static Contract readCertificates(Script script) {
        return script.method("readCertificates", List.class, Path.class);
    }

    private static Contract readPrivateKey(Script script) {
        return script.method("readPrivateKey", PrivateKey.class, Path.class);
    }

    private static Contract clientContext(Script script) {
        return script.method("clientContext", SSLContext.class, Path.class);
    }

    private static Contract mutualClientContext(Script script) {
        return script.method("clientContext", SSLContext.class, Path.class, Path.class, Path.class);
    }

    private static Contract serverContext(Script script) {
        return script.method("serverContext", SSLContext.class, Path.class, Path.class, Path.class);
    }

    private static Contract pkcs12ServerContext(Script script) {
        return script.method("serverContext", SSLContext.class, Path.class, char[].class);
    }

    private static Contract clientParameters(Script script) {
        return script.method("clientParameters", SSLParameters.class, SSLContext.class, String.class);
    }

    private static Contract serverParameters(Script script) {
        return script.method("serverParameters", SSLParameters.class, SSLContext.class, boolean.class);
    }

    @Graded(points = 2, hint = "CertificateFactory.getInstance(\"X.509\").generateCertificates(in) reads every \"BEGIN CERTIFICATE\" "
            + "block of a file; generateCertificate reads only the first. See \"Reading PEM files\".")
    @Test
    void reads_every_certificate_of_a_chain_and_of_a_bundle(Script script) {
        Credentials localhost = PKI.localhost();
        List<X509Certificate> chain = readCertificates(script).call(localhost.chainFile());
        assertThat(chain).as("the certificates read from %s (the localhost certificate, then the intermediate CA's)",
                localhost.chainFile().getFileName()).isEqualTo(localhost.chain());
        List<X509Certificate> bundle = readCertificates(script).call(PKI.bundleFile());
        assertThat(bundle).as("the certificates read from a bundle of two CAs with comment lines between them")
                .containsExactly(PKI.rogueRoot(), PKI.root());
    }

    @Graded(points = 1, hint = "generateCertificates returns an empty collection for a file without a \"BEGIN CERTIFICATE\" "
            + "block: check, and throw (a CertificateException naming the file). An empty list would make a context that trusts "
            + "nothing, or presents nothing, and fails far from the mistake. See \"Reading PEM files\".")
    @Test
    void a_file_without_a_certificate_is_an_error(Script script, @TempDir Path folder) throws IOException {
        Path empty = Files.writeString(folder.resolve("empty.pem"), "");
        for (Path file : List.of(empty, PKI.localhost().keyFile())) {
            String what = file == empty ? "an empty file" : "a file that holds only a private key (\"BEGIN PRIVATE KEY\")";
            Object[] returned = new Object[1];
            Throwable thrown = catchThrowable(() -> returned[0] = readCertificates(script).call(file));
            assertThat(thrown).as("readCertificates of %s, which holds no certificate, should throw (an IOException or a "
                    + "GeneralSecurityException such as CertificateException); it %s", what, thrown == null ? "returned " + returned[0] : "threw")
                    .isInstanceOfAny(GeneralSecurityException.class, IOException.class);
        }
    }

    @Graded(points = 3, hint = "Take the base64 between \"-----BEGIN PRIVATE KEY-----\" and \"-----END PRIVATE KEY-----\", decode it "
            + "with Base64.getMimeDecoder() (PEM has line breaks), and try KeyFactory \"RSA\" and \"EC\" on a PKCS8EncodedKeySpec. "
            + "See \"Reading PEM files\".")
    @Test
    void reads_pkcs8_keys_rsa_and_ec(Script script) throws IOException {
        for (Identity identity : List.of(Identity.LOCALHOST, Identity.LOCALHOST_RSA)) {
            Credentials credentials = PKI.credentials(identity);
            PrivateKey key = readPrivateKey(script).call(credentials.keyFile());
            assertThat(key.getAlgorithm()).as("the algorithm of the key read from %s", credentials.keyFile().getFileName())
                    .isEqualTo(credentials.key().getAlgorithm());
            assertThat(key.getEncoded()).as("the key read from %s", credentials.keyFile().getFileName()).isEqualTo(credentials.key().getEncoded());
        }
        // A file of this test's own: the PKI folder is shared with every JVM grading beside this one.
        Path windows = Files.createTempFile("localhost-crlf", ".key.pem");
        try {
            Files.writeString(windows, TestPki.pkcs8(PKI.localhost().key()).replace("\n", "\r\n"), StandardCharsets.US_ASCII);
            PrivateKey key = readPrivateKey(script).call(windows);
            assertThat(key.getEncoded()).as("the key read from a PEM file with Windows line ends (\\r\\n)").isEqualTo(PKI.localhost().key().getEncoded());
        } finally {
            Files.deleteIfExists(windows);
        }
    }

    @Graded(points = 1, hint = "The JDK cannot read openssl's older forms, \"BEGIN RSA PRIVATE KEY\" and \"BEGIN EC PRIVATE KEY\": "
            + "throw, and say how to convert them to PKCS#8 with openssl (openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW). "
            + "See \"Reading PEM files\".")
    @Test
    void says_what_to_do_with_a_key_in_the_older_form(Script script) {
        for (Path older : List.of(PKI.pkcs1KeyFile(), PKI.sec1KeyFile())) {
            String form = older == PKI.pkcs1KeyFile() ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY";
            Throwable thrown = catchThrowable(() -> readPrivateKey(script).call(older));
            assertThat(thrown).as("what readPrivateKey threw for a \"%s\" file", form)
                    .isInstanceOfAny(GeneralSecurityException.class, IOException.class);
            assertThat(thrown.getMessage()).as("the message readPrivateKey threw for a \"%s\" file, which should say how to convert "
                    + "it (to PKCS#8, with openssl)", form).containsIgnoringCase("pkcs").contains("8").containsIgnoringCase("openssl");
        }
    }

    @Graded(points = 1, hint = "\"BEGIN ENCRYPTED PRIVATE KEY\" is PKCS#8 under a password, which readPrivateKey is not given: throw, "
            + "and say that the key is encrypted (decrypt it first, or use a PKCS#12 store). See \"Reading PEM files\".")
    @Test
    void says_that_an_encrypted_key_must_be_decrypted_first(Script script) {
        Throwable thrown = catchThrowable(() -> readPrivateKey(script).call(PKI.encryptedKeyFile()));
        assertThat(thrown).as("what readPrivateKey threw for a \"BEGIN ENCRYPTED PRIVATE KEY\" file")
                .isInstanceOfAny(GeneralSecurityException.class, IOException.class);
        assertThat(thrown.getMessage()).as("the message readPrivateKey threw for a \"BEGIN ENCRYPTED PRIVATE KEY\" file, which "
                + "should say that the key is encrypted").containsIgnoringCase("encrypt");
    }

    @Graded(points = 3, hint = "Put each CA of the file in an empty KeyStore (setCertificateEntry), initialize a TrustManagerFactory "
            + "with it, and the context with its trust managers: trust exactly those CAs. See \"Certificates, chains and anchors\".")
    @Test
    void a_client_context_trusts_exactly_the_cas_of_its_file(Script script) throws Exception {
        SSLContext onlyTheRoot = clientContext(script).call(PKI.caFile());
        assertAccepted(onlyTheRoot, Identity.LOCALHOST, "a client context made from ca.pem");
        assertRefused(onlyTheRoot, Identity.UNTRUSTED, "a client context made from ca.pem");
        assertRefused(onlyTheRoot, Identity.SELF_SIGNED, "a client context made from ca.pem");
        SSLContext both = clientContext(script).call(PKI.bundleFile());
        assertAccepted(both, Identity.LOCALHOST, "a client context made from a bundle of the root and the rogue CA");
        assertAccepted(both, Identity.UNTRUSTED, "a client context made from a bundle of the root and the rogue CA");
    }

    @Graded(points = 2, hint = "The PKIX trust manager checks every certificate's dates; keep it as it is, and never wrap it in one "
            + "that forgives an expired certificate. See \"Certificates, chains and anchors\".")
    @Test
    void a_client_context_refuses_expired_and_not_yet_valid_certificates(Script script) throws Exception {
        SSLContext context = clientContext(script).call(PKI.caFile());
        assertRefused(context, Identity.EXPIRED, "a client context made from ca.pem");
        assertRefused(context, Identity.NOT_YET_VALID, "a client context made from ca.pem");
    }

    @Graded(points = 1, hint = "With no CA file, initialize the TrustManagerFactory with a null KeyStore: the JDK's own anchors, "
            + "which know nothing of the test CA. See \"Certificates, chains and anchors\".")
    @Test
    void a_client_context_without_a_file_trusts_the_jdk_anchors(Script script) throws Exception {
        SSLContext jdk = clientContext(script).call((Path) null);
        assertRefused(jdk, Identity.LOCALHOST, "a client context made with no CA file (the JDK's anchors)");
        assertRefused(jdk, Identity.SELF_SIGNED, "a client context made with no CA file (the JDK's anchors)");
    }

    @Graded(points = 3, hint = "Put the key with the whole chain of the file (leaf, then intermediates) in a KeyStore entry "
            + "(setKeyEntry), and build the context from a KeyManagerFactory on it: clients know only the root. "
            + "See \"The server's side: key and chain\".")
    @Test
    void a_server_context_from_pem_files_presents_the_whole_chain(Script script) throws Exception {
        for (Identity identity : List.of(Identity.LOCALHOST, Identity.LOCALHOST_RSA)) {
            Credentials credentials = PKI.credentials(identity);
            SSLContext context = serverContext(script).call(credentials.chainFile(), credentials.keyFile(), null);
            try (var server = TlsTestServer.start(TlsTestServer.options(credentials).context(context))) {
                try (var client = TlsTestClient.connect(server.address())) {
                    assertThat(client.session().getPeerCertificates()).as("the chain a server presented with a context from %s and %s",
                            credentials.chainFile().getFileName(), credentials.keyFile().getFileName()).hasSize(2);
                } catch (IOException e) {
                    throw new AssertionError("A client trusting the test root could not complete a handshake with a server whose "
                            + "context came from " + credentials.chainFile().getFileName() + " and " + credentials.keyFile().getFileName()
                            + ": " + e, e);
                }
            }
        }
    }

    @Graded(points = 2, hint = "KeyStore.getInstance(\"PKCS12\").load(in, password), then KeyManagerFactory.init(store, password): "
            + "the key inside is protected by the same password. See \"The server's side: key and chain\".")
    @Test
    void a_server_context_from_a_pkcs12_key_store(Script script) throws Exception {
        Credentials localhost = PKI.localhost();
        SSLContext context = pkcs12ServerContext(script).call(localhost.pkcs12File(), TestPki.PASSWORD.toCharArray());
        try (var server = TlsTestServer.start(TlsTestServer.options(localhost).context(context));
             var client = TlsTestClient.connect(server.address())) {
            assertThat(client.session().getPeerPrincipal().getName()).isEqualTo(localhost.subject());
        }
    }

    @Graded(points = 2, hint = "With a client CA file, give the server context trust managers for those CAs too: they judge the "
            + "client's certificate. See \"Mutual TLS\".")
    @Test
    void a_server_context_with_a_client_ca_verifies_client_certificates(Script script) throws Exception {
        Credentials localhost = PKI.localhost();
        SSLContext context = serverContext(script).call(localhost.chainFile(), localhost.keyFile(), PKI.caFile());
        try (var server = TlsTestServer.start(TlsTestServer.options(localhost).context(context).requiringClientCert())) {
            try (var client = TlsTestClient.connect(server.address(), TestPki.SERVER_NAME,
                    TlsTestClient.options().presenting(PKI.credentials(Identity.CLIENT)))) {
                client.exchange("hello".getBytes(StandardCharsets.UTF_8), WITHIN);
            }
            Throwable rogue = catchThrowable(() -> {
                try (var client = TlsTestClient.connect(server.address(), TestPki.SERVER_NAME,
                        TlsTestClient.options().presenting(PKI.credentials(Identity.ROGUE_CLIENT)))) {
                    client.exchange("hello".getBytes(StandardCharsets.UTF_8), WITHIN);
                }
            });
            assertThat(rogue).as("what a client with a certificate from the rogue CA met, at a server whose context trusts ca.pem "
                    + "for clients").isNotNull();
        }
    }

    @Graded(points = 2, hint = "A client context can hold a key and chain too (a KeyManagerFactory, as for a server): it shows "
            + "them when the server asks. See \"Mutual TLS\".")
    @Test
    void a_client_context_with_a_certificate_presents_it(Script script) throws Exception {
        Credentials client = PKI.credentials(Identity.CLIENT);
        SSLContext context = mutualClientContext(script).call(PKI.caFile(), client.chainFile(), client.keyFile());
        try (var server = TlsTestServer.start(TlsTestServer.options(PKI.localhost()).requiringClientCert());
             var connection = TlsTestClient.connect(server.address(), TestPki.SERVER_NAME, TlsTestClient.options().context(context))) {
            connection.exchange("hi".getBytes(StandardCharsets.UTF_8), WITHIN);
            assertThat(server.awaitConnection(WITHIN).clientSubject()).as("the client subject the server authenticated")
                    .isEqualTo(client.subject());
        }
    }

    @Graded(points = 3, hint = "Start from context.getDefaultSSLParameters(); keep only TLSv1.3 and TLSv1.2, "
            + "setEndpointIdentificationAlgorithm(\"HTTPS\"), and setServerNames(List.of(new SNIHostName(name))) unless the name is "
            + "an address. See \"Host names and SNI\" and \"Versions and the floor\".")
    @Test
    void client_parameters_check_the_name_send_it_and_keep_to_tls_1_2_and_up(Script script) throws Exception {
        SSLContext context = ReferenceContexts.client();
        SSLParameters forLocalhost = clientParameters(script).call(context, "localhost");
        try (var server = TlsTestServer.start(PKI.localhost())) {
            handshake(context, forLocalhost, server, "localhost").close();
            assertThat(server.awaitConnection(WITHIN).serverNames()).as("the SNI sent with clientParameters(context, \"localhost\")")
                    .containsExactly("localhost");
        }
        try (var server = TlsTestServer.start(PKI.credentials(Identity.OTHER_HOST))) {
            Throwable thrown = catchThrowable(() -> handshake(context, forLocalhost, server, "localhost").close());
            assertThat(thrown).as("a handshake with clientParameters(context, \"localhost\") against a server whose certificate is "
                    + "for other.example").isInstanceOf(IOException.class);
        }
        SSLParameters forAddress = clientParameters(script).call(context, "127.0.0.1");
        try (var server = TlsTestServer.start(PKI.localhost())) {
            handshake(context, forAddress, server, "127.0.0.1").close();
            assertThat(server.awaitConnection(WITHIN).serverNames()).as("the SNI sent for the address 127.0.0.1").isEmpty();
        }
        try (var server = TlsTestServer.start(PKI.credentials(Identity.OTHER_HOST))) {
            Throwable thrown = catchThrowable(() -> handshake(context, forAddress, server, "127.0.0.1").close());
            assertThat(thrown).as("a handshake with clientParameters(context, \"127.0.0.1\") against a server whose certificate is "
                    + "for other.example only (an address is checked too)").isInstanceOf(IOException.class);
        }
        SSLParameters forIpv6 = clientParameters(script).call(context, "::1");
        assertThat(forIpv6.getServerNames()).as("the server names (SNI) of clientParameters(context, \"::1\"), an IPv6 address")
                .isNullOrEmpty();
        assertThat(forIpv6.getEndpointIdentificationAlgorithm()).as("the endpoint identification of clientParameters(context, \"::1\")")
                .isEqualTo("HTTPS");
        if (LegacyTls.enabled()) {
            try (var server = TlsTestServer.start(PKI.localhost(), LegacyTls.OLD_PROTOCOLS)) {
                Throwable thrown = catchThrowable(() -> handshake(context, forLocalhost, server, "localhost").close());
                assertThat(thrown).as("a handshake with clientParameters against a server that speaks only TLS 1.0 and 1.1")
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Graded(points = 2, hint = "Keep only TLSv1.3 and TLSv1.2, and setNeedClientAuth(requireClientCert). See \"Versions and the "
            + "floor\" and \"Mutual TLS\".")
    @Test
    void server_parameters_keep_to_tls_1_2_and_up_and_demand_client_certificates(Script script) throws Exception {
        Assumptions.assumeTrue(LegacyTls.enabled(), "this JVM cannot speak TLS 1.0 at all, so there is no floor to check");
        SSLContext context = ReferenceContexts.server(PKI.localhost(), PKI.root());
        SSLParameters plain = serverParameters(script).call(context, false);
        try (var server = TlsTestServer.start(TlsTestServer.options(PKI.localhost()).context(context).parameters(c -> plain))) {
            for (String old : LegacyTls.OLD_PROTOCOLS) {
                Throwable thrown = catchThrowable(() -> TlsTestClient.connect(server.address(), TestPki.SERVER_NAME,
                        TlsTestClient.options().protocols(old)).close());
                assertThat(thrown).as("a client offering only %s, at a server configured with serverParameters(context, false)", old)
                        .isInstanceOf(IOException.class);
            }
            TlsTestClient.connect(server.address()).close();
        }
        SSLParameters mutual = serverParameters(script).call(context, true);
        assertThat(mutual.getNeedClientAuth()).as("getNeedClientAuth() of serverParameters(context, true)").isTrue();
        assertThat(plain.getNeedClientAuth() || plain.getWantClientAuth()).as("client auth asked by serverParameters(context, false)").isFalse();
    }

    @Graded(points = 1, hint = "main reads the files it is given with your methods and prints what it found; bad arguments: usage, "
            + "exit 2.")
    @Test
    void main_describes_the_files_it_reads(Script script) {
        Credentials localhost = PKI.localhost();
        try (MainProcess main = script.startMain("--cafile", PKI.caFile().toString(), "--certfile", localhost.chainFile().toString(),
                "--keyfile", localhost.keyFile().toString())) {
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript()).isZero();
            assertThat(main.stdout()).as("what `%s` printed", main.commandLine())
                    .contains(localhost.subject()).contains(localhost.chain().get(1).getSubjectX500Principal().getName());
        }
        try (MainProcess bad = script.startMain("--certfile")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
        }
    }

    private static SSLSocket handshake(SSLContext context, SSLParameters parameters, TlsTestServer server, String serverName) throws IOException {
        var plain = new Socket();
        plain.connect(server.address(), 2_000);
        plain.setSoTimeout(5_000);
        var tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, server.address().getPort(), true);
        tls.setSSLParameters(parameters);
        try {
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            tls.close();
            throw e;
        }
    }

    private static void assertAccepted(SSLContext context, Identity identity, String what) throws IOException {
        try (var server = TlsTestServer.start(PKI.credentials(identity));
             var client = TlsTestClient.connect(server.address(), TestPki.SERVER_NAME, TlsTestClient.options().context(context))) {
            assertThat(client.protocol()).isNotNull();
        } catch (IOException e) {
            throw new AssertionError(what + " refused a server with the " + describe(identity) + ", which it should trust: " + e, e);
        }
    }

    private static void assertRefused(SSLContext context, Identity identity, String what) throws IOException {
        try (var server = TlsTestServer.start(PKI.credentials(identity))) {
            try (var client = TlsTestClient.connect(server.address(), TestPki.SERVER_NAME, TlsTestClient.options().context(context))) {
                throw new AssertionError(what + " accepted a server with the " + describe(identity) + ".");
            } catch (IOException refused) {
                // as it should
            }
        }
    }

    private static String describe(Identity identity) {
        return switch (identity) {
            case LOCALHOST, LOCALHOST_RSA -> "localhost certificate from the test CA";
            case EXPIRED -> "expired localhost certificate";
            case NOT_YET_VALID -> "localhost certificate that is not valid yet";
            case OTHER_HOST -> "certificate for other.example";
            case SELF_SIGNED -> "self-signed localhost certificate";
            case UNTRUSTED -> "localhost certificate from the rogue CA";
            case CLIENT, ROGUE_CLIENT -> "client certificate";
        };
    }
}
