package dev.trestle.edge;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * How the agent reaches central: plaintext (only to a loopback address unless forced), TLS with the
 * system's CAs, or TLS trusting a PEM file; optionally a client certificate and key (PEM, key in
 * PKCS#8) for mutual TLS.
 */
public record EdgeTransport(
    boolean tls, Optional<Path> caFile, Optional<Path> cert, Optional<Path> key) {
  public static final EdgeTransport PLAINTEXT =
      new EdgeTransport(false, Optional.empty(), Optional.empty(), Optional.empty());

  public EdgeTransport {
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("--cert and --key go together");
    }
    if (!tls && (caFile.isPresent() || cert.isPresent())) {
      throw new IllegalArgumentException("a CA file or client certificate means TLS");
    }
  }

  /**
   * The transport the flags ask for. Without any TLS flag: plaintext to a loopback host, TLS
   * (system CAs) to any other unless {@code insecurePlaintext}.
   */
  public static EdgeTransport choose(
      String host,
      boolean tlsFlag,
      Optional<Path> ca,
      Optional<Path> cert,
      Optional<Path> key,
      boolean insecurePlaintext) {
    boolean tls = tlsFlag || ca.isPresent() || cert.isPresent() || key.isPresent();
    if (!tls && !insecurePlaintext && !isLoopback(host)) {
      tls = true;
    }
    if (tls && insecurePlaintext) {
      throw new IllegalArgumentException(
          "--insecure-plaintext contradicts --tls/--ca-file/--cert/--key");
    }
    return new EdgeTransport(tls, ca, cert, key);
  }

  /**
   * As {@link #choose(String, boolean, Optional, Optional, Optional, boolean)}; TLS unless every
   * host is loopback.
   */
  public static EdgeTransport choose(
      java.util.List<String> hosts,
      boolean tlsFlag,
      Optional<Path> ca,
      Optional<Path> cert,
      Optional<Path> key,
      boolean insecurePlaintext) {
    String remote = hosts.stream().filter(h -> !isLoopback(h)).findFirst().orElse(hosts.get(0));
    return choose(remote, tlsFlag, ca, cert, key, insecurePlaintext);
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false; // a DNS name other than localhost: do not resolve it to decide
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The credentials; reads and checks the PEM files (a clear error naming the file if bad). */
  public ChannelCredentials credentials() {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    var builder = TlsChannelCredentials.newBuilder();
    try {
      if (caFile.isPresent()) {
        builder.trustManager(new ByteArrayInputStream(certificates("--ca-file", caFile.get())));
      }
      if (cert.isPresent()) {
        byte[] chain = certificates("--cert", cert.get());
        byte[] pkcs8 = read("--key", key.get());
        if (!new String(pkcs8, java.nio.charset.StandardCharsets.US_ASCII)
            .contains("PRIVATE KEY-----")) {
          throw new IllegalArgumentException("--key " + key.get() + ": no PEM private key in it");
        }
        try (InputStream c = new ByteArrayInputStream(chain);
            InputStream k = new ByteArrayInputStream(pkcs8)) {
          builder.keyManager(c, k);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("TLS files: " + e.getMessage(), e);
    }
    return builder.build();
  }

  static byte[] certificates(String flag, Path file) {
    byte[] pem = read(flag, file);
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .isEmpty()) {
        throw new IllegalArgumentException(flag + " " + file + ": no certificate in it");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(flag + " " + file + ": not a PEM certificate", e);
    }
    return pem;
  }

  static byte[] read(String flag, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(flag + " " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " " + file + ": cannot read: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    if (!tls) {
      return "plaintext";
    }
    String trust = caFile.map(f -> "TLS trusting " + f).orElse("TLS trusting the system CAs");
    return cert.isPresent() ? trust + ", client certificate " + cert.get() : trust;
  }
}
