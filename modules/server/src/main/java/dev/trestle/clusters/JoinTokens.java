package dev.trestle.clusters;

import dev.trestle.core.TokenFormat;
import dev.trestle.core.TokenKind;
import java.util.Optional;

/**
 * Join tokens: {@code trjt.<base64url(cluster FQN)>.<tokenId>.<secret>}. The cluster is in the
 * token so central knows which entity to ask before trusting anything else the edge says; the
 * secret is 256 random bits and only its SHA-256 is journaled ({@link TokenFormat}).
 */
public final class JoinTokens {
  public static final TokenKind KIND =
      new TokenKind(
          "trjt",
          "join token",
          t ->
              t.tokenId().length() == 12
                  && t.secretLength() >= 40
                  && t.subject().matches("organizations/[a-z0-9-]{1,63}/clusters/[a-z0-9-]{1,63}"));

  private JoinTokens() {}

  public static TokenKind.Minted mint(String clusterFqn) {
    return KIND.mint(clusterFqn);
  }

  /** The refusal when a token of {@code clusterFqn} is presented for another cluster. */
  public static String belongsToAnother(String clusterFqn, String claimed) {
    return "this join token belongs to "
        + clusterFqn
        + ", not to '"
        + EdgeSuppliedText.printable(claimed)
        + "'";
  }

  /** Empty when the text is not a join token at all (wrong shape, not base64, no cluster). */
  public static Optional<TokenKind.Presented> parse(String token) {
    return KIND.parse(token);
  }
}
