package dev.trestle.iam;

import java.util.Optional;

/** Bearer tokens: {@code trst.<base64url(principal)>.<tokenId>.<secret>} ({@link TokenFormat}). */
public final class Tokens {
  private static final String PREFIX = "trst";

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
    TokenFormat.Fresh fresh = TokenFormat.mint(PREFIX, principal);
    return new Minted(fresh.tokenId(), fresh.text(), fresh.secretSha256());
  }

  public static Optional<Presented> parse(String token) {
    return TokenFormat.split(PREFIX, token)
        .filter(t -> t.secretLength() >= 20 && t.tokenId().length() <= 32)
        .filter(t -> Principals.isValid(t.subject()))
        .map(t -> new Presented(t.subject(), t.tokenId(), t.secretSha256()));
  }
}
