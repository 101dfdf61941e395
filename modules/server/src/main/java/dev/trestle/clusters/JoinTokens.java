package dev.trestle.clusters;

import dev.trestle.iam.TokenFormat;
import java.util.Optional;

/**
 * Join tokens: {@code trjt.<base64url(cluster FQN)>.<tokenId>.<secret>}. The cluster is in the
 * token so central knows which entity to ask before trusting anything else the edge says; the
 * secret is 256 random bits and only its SHA-256 is journaled ({@link TokenFormat}).
 */
public final class JoinTokens {
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
    TokenFormat.Fresh fresh = TokenFormat.mint(PREFIX, clusterFqn);
    return new Minted(fresh.tokenId(), fresh.text(), fresh.secretSha256());
  }

  /** Empty when the text is not a join token at all (wrong shape, not base64, no cluster). */
  public static Optional<Presented> parse(String token) {
    return TokenFormat.split(PREFIX, token)
        .filter(t -> t.tokenId().length() == 12 && t.secretLength() >= 40)
        .filter(t -> t.subject().matches("organizations/[a-z0-9-]{1,63}/clusters/[a-z0-9-]{1,63}"))
        .map(t -> new Presented(t.subject(), t.tokenId(), t.secretSha256()));
  }
}
