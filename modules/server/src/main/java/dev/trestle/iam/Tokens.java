package dev.trestle.iam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Bearer tokens: {@code trst.<base64url(principal)>.<tokenId>.<secret>}. The secret is 256
 * random bits; only its SHA-256 is stored (a slow hash adds nothing at that entropy).
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A parsed token; {@link #toString()} never shows the secret. */
  public record Presented(String principal, String tokenId, String secretHash) {
    @Override
    public String toString() {
      return "token " + tokenId + " of " + principal;
    }
  }

  /** A freshly minted token: the full text (shown once) and what gets stored. */
  public record Minted(String tokenId, String text, String hash) {
    @Override
    public String toString() {
      return "token " + tokenId;
    }
  }

  private Tokens() {}

  public static Minted mint(String principal) {
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String tokenId = HexFormat.of().formatHex(id);
    String secretText = B64.encodeToString(secret);
    String text =
        "trst." + B64.encodeToString(principal.getBytes(StandardCharsets.UTF_8)) + "." + tokenId + "." + secretText;
    return new Minted(tokenId, text, sha256(secretText));
  }

  public static Optional<Presented> parse(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.strip().split("\\.");
    if (parts.length != 4 || !parts[0].equals("trst") || parts[3].length() < 20 || parts[2].length() > 32) {
      return Optional.empty();
    }
    try {
      String principal = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      if (!Principals.isValid(principal)) {
        return Optional.empty();
      }
      return Optional.of(new Presented(principal, parts[2], sha256(parts[3])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
