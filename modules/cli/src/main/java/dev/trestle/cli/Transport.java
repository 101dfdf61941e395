package dev.trestle.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * How the CLI reaches the API port: plaintext HTTP/2, TLS trusting the system's certificate
 * authorities, or TLS trusting the certificates of a PEM file ({@code --ca-file}).
 */
public record Transport(boolean tls, Optional<Path> caFile) {
  public static final Transport PLAINTEXT = new Transport(false, Optional.empty());
  public static final Transport SYSTEM_TLS = new Transport(true, Optional.empty());

  public Transport {
    if (!tls && caFile.isPresent()) {
      throw new IllegalArgumentException("a CA file means TLS");
    }
  }

  public static Transport trusting(Path caFile) {
    return new Transport(true, Optional.of(caFile));
  }

  /** The channel credentials for grpc-java; reads and checks the CA file. */
  ChannelCredentials channelCredentials() {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    if (caFile.isEmpty()) {
      return TlsChannelCredentials.create();
    }
    byte[] pem = readCertificates(caFile.get());
    try {
      return TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(pem)).build();
    } catch (IOException e) {
      throw new CliException("CA file " + caFile.get() + ": " + e.getMessage(), e);
    }
  }

  /** The file's bytes, once it is known to hold at least one X.509 certificate. */
  static byte[] readCertificates(Path file) {
    byte[] pem;
    try {
      pem = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CliException("CA file " + file + ": no such file");
    } catch (IOException e) {
      throw new CliException("CA file " + file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))
          .isEmpty()) {
        throw new CliException("CA file " + file + ": no certificate in it");
      }
    } catch (CertificateException e) {
      throw new CliException(
          "CA file "
              + file
              + ": not a PEM certificate ("
              + RemoteErrors.oneLine(e.getMessage())
              + ")",
          e);
    }
    return pem;
  }

  @Override
  public String toString() {
    if (!tls) {
      return "plaintext";
    }
    return caFile.map(f -> "TLS, trusting " + f).orElse("TLS, trusting the system's CAs");
  }
}
