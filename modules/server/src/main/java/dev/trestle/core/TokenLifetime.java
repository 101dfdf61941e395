package dev.trestle.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time to live a new token (principal bearer token or edge join token) may be given: at least a
 * second, at most about ten years; null means the token does not expire.
 */
public final class TokenLifetime {
  public static final Duration MIN = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofDays(3660);

  private TokenLifetime() {}

  /** Empty when {@code ttl} is acceptable; otherwise why not, for the field named {@code ttl}. */
  public static Optional<Problem> check(Duration ttl) {
    if (ttl == null) {
      return Optional.empty();
    }
    if (ttl.compareTo(MIN) < 0) {
      return Optional.of(Problem.invalidField("ttl", "must be at least 1s, or unset for none"));
    }
    if (ttl.compareTo(MAX) > 0) {
      return Optional.of(
          Problem.invalidField(
              "ttl", "must be at most " + MAX.toDays() + " days; leave it unset for none"));
    }
    return Optional.empty();
  }

  /** Whether a token that expires at {@code expiresAt} (null: never) is expired at {@code now}. */
  public static boolean expired(Instant expiresAt, Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** The protobuf duration as a {@link Duration}; null when unset. */
  public static Duration of(boolean set, long seconds, int nanos) {
    return set ? Duration.ofSeconds(seconds, nanos) : null;
  }
}
