package dev.trestle.iam;

import dev.trestle.core.TokenFormat;
import dev.trestle.core.TokenKind;
import java.util.Optional;

/** Bearer tokens: {@code trst.<base64url(principal)>.<tokenId>.<secret>} ({@link TokenFormat}). */
public final class Tokens {
  public static final TokenKind KIND =
      new TokenKind(
          "trst",
          "token",
          t ->
              t.secretLength() >= 20
                  && t.tokenId().length() <= 32
                  && Principals.isValid(t.subject()));

  private Tokens() {}

  public static TokenKind.Minted mint(String principal) {
    return KIND.mint(principal);
  }

  public static Optional<TokenKind.Presented> parse(String token) {
    return KIND.parse(token);
  }
}
