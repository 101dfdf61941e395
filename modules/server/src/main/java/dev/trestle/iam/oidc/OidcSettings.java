package dev.trestle.iam.oidc;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code trestle.iam.oidc}: the OpenID Connect issuer whose tokens the API accepts, read once at
 * start. Empty issuer: OIDC is off.
 */
public record OidcSettings(
    String issuer,
    String audience,
    String usernameClaim,
    String principalPrefix,
    String groupsClaim,
    Duration clockSkew,
    Duration jwksRefreshInterval,
    Duration httpTimeout) {
  static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,30}:");

  public OidcSettings {
    if (!issuer.isEmpty()) {
      URI uri;
      try {
        uri = URI.create(issuer);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "trestle.iam.oidc.issuer: '" + issuer + "' is not a URL: " + e.getMessage());
      }
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "trestle.iam.oidc.issuer: '" + issuer + "' must be an http(s) URL");
      }
      if (audience.isEmpty()) {
        throw new IllegalArgumentException(
            "trestle.iam.oidc.audience is required when trestle.iam.oidc.issuer is set");
      }
    }
    if (usernameClaim.isBlank()) {
      throw new IllegalArgumentException("trestle.iam.oidc.username-claim must not be empty");
    }
    if (!PREFIX.matcher(principalPrefix).matches()) {
      throw new IllegalArgumentException(
          "trestle.iam.oidc.principal-prefix: '"
              + principalPrefix
              + "' must be lower-case letters, digits or '-' followed by ':' (e.g. oidc:)");
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_SKEW) > 0) {
      throw new IllegalArgumentException(
          "trestle.iam.oidc.clock-skew: " + clockSkew + " is outside 0s..5m");
    }
  }

  /** Off. */
  public static OidcSettings none() {
    return new OidcSettings(
        "",
        "",
        "sub",
        "oidc:",
        "groups",
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  public static OidcSettings from(Config trestle) {
    if (!trestle.hasPath("iam.oidc")) {
      return none();
    }
    Config c = trestle.getConfig("iam.oidc");
    return new OidcSettings(
        c.getString("issuer").strip(),
        c.getString("audience").strip(),
        c.getString("username-claim").strip(),
        c.getString("principal-prefix").strip(),
        c.getString("groups-claim").strip(),
        c.getDuration("clock-skew"),
        c.getDuration("jwks-refresh-interval"),
        c.getDuration("http-timeout"));
  }

  public Optional<OidcSettings> enabled() {
    return issuer.isEmpty() ? Optional.empty() : Optional.of(this);
  }
}
