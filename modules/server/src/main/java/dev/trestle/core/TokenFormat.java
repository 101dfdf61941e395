package dev.trestle.core;

import dev.trestle.protocol.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shape shared by bearer tokens and edge join tokens: {@code
 * <prefix>.<base64url(subject)>.<tokenId>.<secret>}, a 48-bit id and a 256-bit secret of which only
 * the SHA-256 is ever stored (a slow hash adds nothing at that entropy).
 */
public final class TokenFormat {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A fresh token: its id, its full text (shown once) and the SHA-256 of its secret. */
  public record Fresh(String tokenId, String text, String secretSha256) {}

  /** A token split into its parts; the subject is decoded, the secret already hashed. */
  public record Split(String subject, String tokenId, int secretLength, String secretSha256) {}

  private TokenFormat() {}

  public static Fresh mint(String prefix, String subject) {
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String tokenId = HexFormat.of().formatHex(id);
    String secretText = B64.encodeToString(secret);
    String text =
        prefix
            + "."
            + B64.encodeToString(subject.getBytes(StandardCharsets.UTF_8))
            + "."
            + tokenId
            + "."
            + secretText;
    return new Fresh(tokenId, text, Hashes.sha256(secretText));
  }

  /** Empty when the text does not have the shape (prefix, four parts, base64url subject). */
  public static Optional<Split> split(String prefix, String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.strip().split("\\.");
    if (parts.length != 4 || !parts[0].equals(prefix)) {
      return Optional.empty();
    }
    try {
      String subject = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      return Optional.of(new Split(subject, parts[2], parts[3].length(), Hashes.sha256(parts[3])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Constant-time comparison of two hex digests. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
