package dev.trestle.clusters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Join tokens: {@code trjt.<base64url(cluster FQN)>.<tokenId>.<secret>}. The cluster is in the
 * token so central knows which entity to ask before trusting anything else the edge says; the
 * secret is 256 random bits and only its SHA-256 is journaled.
 */
public final class JoinTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String PREFIX = "trjt";

  /** A parsed token; {@link #toString()} never shows the secret. */
  public record Presented(String cluster, String tokenId, String secretSha256) {
    @Override
    public String toString() {
      return "join token " + tokenId + " of " + cluster;
    }
  }

  /** A freshly minted token: the full text (shown once) and what gets stored. */
  public record Minted(String tokenId, String text, String secretSha256) {
    @Override
    public String toString() {
      return "join token " + tokenId;
    }
  }

  private JoinTokens() {}

  public static Minted mint(String clusterFqn) {
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String tokenId = HexFormat.of().formatHex(id);
    String secretText = B64.encodeToString(secret);
    String text =
        PREFIX + "." + B64.encodeToString(clusterFqn.getBytes(StandardCharsets.UTF_8)) + "."
            + tokenId + "." + secretText;
    return new Minted(tokenId, text, sha256(secretText));
  }

  /** Empty when the text is not a join token at all (wrong shape, not base64, no cluster). */
  public static Optional<Presented> parse(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.strip().split("\\.");
    if (parts.length != 4 || !parts[0].equals(PREFIX) || parts[2].length() != 12
        || parts[3].length() < 40) {
      return Optional.empty();
    }
    try {
      String cluster = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      if (!cluster.matches("organizations/[a-z0-9-]{1,63}/clusters/[a-z0-9-]{1,63}")) {
        return Optional.empty();
      }
      return Optional.of(new Presented(cluster, parts[2], sha256(parts[3])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Constant-time comparison of two hex digests. */
  static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
