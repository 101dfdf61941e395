package dev.trestle.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server TLS contexts from a PKCS#12 keystore, or a self-signed one generated for dev mode. */
public final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  private TlsContexts() {}

  public static HttpsConnectionContext server(Settings.TlsSettings tls, Path dataDir)
      throws Exception {
    return ConnectionContext.httpsServer(serverContext(tls, dataDir, null));
  }

  /**
   * The edge port's context: like the API port's, and when {@code clientCaFile} is set, every
   * client must present a certificate that chains to one of the certificates in that PEM file.
   */
  public static HttpsConnectionContext edgeServer(
      Settings.TlsSettings tls, Path dataDir, Path clientCaFile) throws Exception {
    if (clientCaFile == null) {
      return server(tls, dataDir);
    }
    SSLContext context = serverContext(tls, dataDir, clientCaFile);
    LOG.info("edge port requires client certificates issued by {}", clientCaFile);
    return ConnectionContext.httpsServer(
        () -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          engine.setNeedClientAuth(true);
          return engine;
        });
  }

  private static SSLContext serverContext(Settings.TlsSettings tls, Path dataDir, Path clientCaFile)
      throws Exception {
    Path keystore;
    char[] password;
    if (tls.mode().equals("self-signed")) {
      Path dir = dataDir.resolve("tls");
      keystore = dir.resolve("server.p12");
      Path passwordFile = dir.resolve("server.p12.password");
      if (!Files.exists(keystore)) {
        generateSelfSigned(dir, keystore, passwordFile);
      }
      password = Files.readString(passwordFile).strip().toCharArray();
      LOG.warn(
          "TLS with a SELF-SIGNED dev certificate; clients must trust {}", dir.resolve("ca.pem"));
    } else {
      keystore = tls.keystore();
      password = tls.keystorePassword().toCharArray();
      if (!Files.isReadable(keystore)) {
        throw new IllegalArgumentException("trestle.tls.keystore " + keystore + " is not readable");
      }
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot open keystore " + keystore + " (wrong password or not PKCS#12)", e);
    }
    var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        kmf.getKeyManagers(),
        clientCaFile == null ? null : trustManagers(clientCaFile),
        new SecureRandom());
    return context;
  }

  private static TrustManager[] trustManagers(Path pemFile) throws Exception {
    if (!Files.isReadable(pemFile)) {
      throw new IllegalArgumentException(
          "trestle.edge.client-ca-file " + pemFile + " is not readable");
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pemFile)) {
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("edge-ca-" + i++, cert);
      }
      if (i == 0) {
        throw new IllegalArgumentException(
            "trestle.edge.client-ca-file " + pemFile + " holds no certificate");
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(
          "trestle.edge.client-ca-file "
              + pemFile
              + " is not a PEM certificate file: "
              + e.getMessage(),
          e);
    }
    var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  /**
   * The JDK has no public certificate-building API, but its keytool does: a key pair for
   * localhost/127.0.0.1; the certificate is then exported as PEM for clients.
   */
  static void generateSelfSigned(Path dir, Path keystore, Path passwordFile) throws Exception {
    Files.createDirectories(dir);
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Files.deleteIfExists(passwordFile);
    try {
      Files.createFile(
          passwordFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(passwordFile);
    }
    Files.writeString(passwordFile, password);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        List.of(
            keytool,
            "-genkeypair",
            "-alias",
            "trestle",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-sigalg",
            "SHA256withECDSA",
            "-dname",
            "CN=trestle-dev",
            "-ext",
            "SAN=dns:localhost,ip:127.0.0.1",
            "-validity",
            "825",
            "-storetype",
            "PKCS12",
            "-keystore",
            keystore.toString(),
            "-storepass:file",
            passwordFile.toString()));
    try {
      Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // non-POSIX file systems keep their default permissions
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password.toCharArray());
    }
    byte[] der = ks.getCertificate("trestle").getEncoded();
    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
            + "\n-----END CERTIFICATE-----\n";
    Files.writeString(dir.resolve("ca.pem"), pem);
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output.strip());
    }
  }
}
