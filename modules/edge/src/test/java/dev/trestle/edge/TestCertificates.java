package dev.trestle.edge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA and certificates it issued, made with the JDK's keytool, as PEM files (certificate {@code
 * NAME.pem}, PKCS#8 key {@code NAME.key}, the CA's certificate {@code ca.pem}) for TLS tests.
 */
final class TestCertificates {
  private static final String PASSWORD = "changeit";
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A new CA in {@code dir}. */
  static TestCertificates ca(Path dir) throws Exception {
    var certs = new TestCertificates(dir);
    certs.keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        "ca.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    certs.keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-storepass",
        PASSWORD,
        "-file",
        "ca.pem");
    return certs;
  }

  Path caPem() {
    return dir.resolve("ca.pem");
  }

  Path certificate(String name) {
    return dir.resolve(name + ".pem");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** Issues {@code NAME.pem}/{@code NAME.key} for {@code dname} with {@code extensions}. */
  void issue(String name, String dname, String... extensions) throws Exception {
    String keystore = name + ".p12";
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-validity",
        "2",
        "-keystore",
        keystore,
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        keystore,
        "-storepass",
        PASSWORD,
        "-file",
        name + ".csr");
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                PASSWORD,
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-validity",
                "2"));
    for (String e : extensions) {
      gencert.addAll(List.of("-ext", e));
    }
    keytool(gencert.toArray(String[]::new));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(keystore))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    byte[] pkcs8 = ks.getKey(name, PASSWORD.toCharArray()).getEncoded();
    Files.writeString(
        key(name),
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n");
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + output);
    }
  }
}
