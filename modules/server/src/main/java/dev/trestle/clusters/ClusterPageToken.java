package dev.trestle.clusters;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The page token of the cluster listing: the FQN of the last cluster of the previous page. */
final class ClusterPageToken {
  private static final String PREFIX = "clusters-after:";

  private ClusterPageToken() {}

  static String encode(String lastFqn) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + lastFqn).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The FQN the page starts after; empty for the first page ({@code token} empty).
   *
   * @throws IllegalArgumentException when the token is not one {@link #encode} made
   */
  static Optional<String> decode(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String fqn = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : "";
      if (fqn.isEmpty() || Fqn.parse(fqn).kind().orElse(null) != Kind.CLUSTER) {
        throw new IllegalArgumentException("not a cluster page token");
      }
      return Optional.of(fqn);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + token + "' is not a token this server gave", e);
    }
  }
}
