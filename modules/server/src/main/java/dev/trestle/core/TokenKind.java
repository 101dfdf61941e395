package dev.trestle.core;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * One kind of secret token in the {@link TokenFormat} shape. Bearer tokens of principals ({@code
 * iam.Tokens}) and edge join tokens ({@code clusters.JoinTokens}) differ only in their prefix, what
 * their subject (principal, cluster FQN) and parts must look like, and the noun logs use.
 */
public final class TokenKind {
  private final String prefix;
  private final String noun;
  private final Predicate<TokenFormat.Split> wellFormed;

  /** A parsed token; {@link #toString()} never shows the secret. */
  public record Presented(String noun, String subject, String tokenId, String secretSha256) {
    @Override
    public String toString() {
      return noun + " " + tokenId + " of " + subject;
    }
  }

  /** A freshly minted token: the full text (shown once) and what gets stored. */
  public record Minted(String noun, String tokenId, String text, String secretSha256) {
    @Override
    public String toString() {
      return noun + " " + tokenId;
    }
  }

  /**
   * @param wellFormed what a split token of this kind must satisfy (subject, id and secret shape)
   */
  public TokenKind(String prefix, String noun, Predicate<TokenFormat.Split> wellFormed) {
    this.prefix = prefix;
    this.noun = noun;
    this.wellFormed = wellFormed;
  }

  public Minted mint(String subject) {
    TokenFormat.Fresh fresh = TokenFormat.mint(prefix, subject);
    return new Minted(noun, fresh.tokenId(), fresh.text(), fresh.secretSha256());
  }

  /** Empty when the text is not a token of this kind at all (prefix, shape, subject). */
  public Optional<Presented> parse(String text) {
    return TokenFormat.split(prefix, text)
        .filter(wellFormed)
        .map(t -> new Presented(noun, t.subject(), t.tokenId(), t.secretSha256()));
  }
}
