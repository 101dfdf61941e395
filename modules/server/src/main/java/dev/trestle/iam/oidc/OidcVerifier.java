package dev.trestle.iam.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.BindingSubjects;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a JWT from the configured OpenID Connect issuer: an asymmetric signature (RS/PS/ES; never
 * {@code none} nor HMAC, so a token "signed" with the issuer's public key as an HMAC secret is
 * refused) by a key of the issuer's JWKS, {@code iss}, {@code aud}, {@code exp} (required) and
 * {@code nbf} within the configured clock skew. The discovery document and the JWKS are fetched on
 * first use and cached; a key id the cache lacks refetches the JWKS at most once per {@code
 * jwks-refresh-interval} (key rotation without letting forged kids hammer the issuer). Thread-safe;
 * blocking (HTTP on a cache miss), so callers run it off the request dispatcher. Never logs or
 * echoes a token.
 */
public final class OidcVerifier {
  /**
   * The principal a token names ({@code subject}, the username claim's value, prefixed), its issuer
   * and groups (names), valid until {@code expiresAt}.
   */
  public record Verified(
      String principal, String issuer, String subject, List<String> groups, Instant expiresAt) {}

  private static final Set<JWSAlgorithm> ACCEPTED =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OidcSettings settings;
  private final HttpClient http;
  private final Clock clock;
  private URI jwksUri;
  private JWKSet keys;
  private Instant keysFetchedAt;

  public OidcVerifier(OidcSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.httpTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Whether the text has the shape of a JWT at all (three dot-separated parts). */
  public static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /** Fails with UNAUTHENTICATED saying what is wrong with the token (never quoting it). */
  public Verified verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw refused("the OIDC token is not a well-formed JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw refused("the OIDC token is not signed (alg none or encrypted); it is refused");
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!ACCEPTED.contains(alg)) {
      throw refused(
          "the OIDC token's algorithm "
              + alg
              + " is not accepted (only RS*, PS*, ES* signatures by the issuer's keys)");
    }
    JWK key = key(signed.getHeader().getKeyID());
    try {
      if (!signed.verify(verifierFor(key, alg))) {
        throw refused("the OIDC token's signature does not verify");
      }
    } catch (JOSEException e) {
      throw refused("the OIDC token's signature cannot be checked: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("the OIDC token's claims are not a JSON object");
    }
    return checkClaims(claims);
  }

  private Verified checkClaims(JWTClaimsSet claims) {
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw refused(
          "the OIDC token's issuer '"
              + oneLine(claims.getIssuer())
              + "' is not the configured "
              + settings.issuer());
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(settings.audience())) {
      throw refused("the OIDC token's audience does not include " + settings.audience());
    }
    Instant now = clock.instant();
    if (claims.getExpirationTime() == null) {
      throw refused("the OIDC token has no expiry (exp)");
    }
    Instant exp = claims.getExpirationTime().toInstant();
    if (!now.isBefore(exp.plus(settings.clockSkew()))) {
      throw refused("the OIDC token expired at " + exp);
    }
    if (claims.getNotBeforeTime() != null
        && now.isBefore(claims.getNotBeforeTime().toInstant().minus(settings.clockSkew()))) {
      throw refused("the OIDC token is not valid before " + claims.getNotBeforeTime().toInstant());
    }
    Object user = claims.getClaim(settings.usernameClaim());
    if (!(user instanceof String name) || !BindingSubjects.isClaimValue(name)) {
      throw refused(
          "the OIDC token's "
              + settings.usernameClaim()
              + " claim is missing or not a plain name (letters, digits, ._@:+=/-, at most 200)");
    }
    return new Verified(
        settings.principalPrefix() + name, settings.issuer(), name, groups(claims), exp);
  }

  private List<String> groups(JWTClaimsSet claims) {
    if (settings.groupsClaim().isEmpty()) {
      return List.of();
    }
    Object value = claims.getClaim(settings.groupsClaim());
    var out = new ArrayList<String>();
    if (value instanceof String one) {
      out.add(one);
    } else if (value instanceof List<?> many) {
      many.forEach(g -> out.add(String.valueOf(g)));
    }
    // A group name that could not be written in a binding is ignored, not an error.
    out.removeIf(g -> !BindingSubjects.isClaimValue(g));
    return out;
  }

  private static JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) throws JOSEException {
    if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
      return new ECDSAVerifier(ec);
    }
    throw refused("the OIDC token's algorithm " + alg + " does not match its key's type");
  }

  /** The signing key {@code kid} (or the only one, when the token names none). */
  private synchronized JWK key(String kid) {
    if (keys == null) {
      fetchKeys();
    }
    JWK found = find(kid);
    if (found == null
        && !clock.instant().isBefore(keysFetchedAt.plus(settings.jwksRefreshInterval()))) {
      fetchKeys();
      found = find(kid);
    }
    if (found == null) {
      throw refused(
          "the OIDC token's key id '"
              + oneLine(kid)
              + "' is not among the issuer's keys (refetched at most every "
              + settings.jwksRefreshInterval().toSeconds()
              + "s)");
    }
    return found;
  }

  private JWK find(String kid) {
    if (kid == null) {
      List<JWK> all = keys.getKeys();
      return all.size() == 1 ? all.get(0) : null;
    }
    return keys.getKeyByKeyId(kid);
  }

  private void fetchKeys() {
    keysFetchedAt = clock.instant();
    if (jwksUri == null) {
      JsonNode discovery;
      String where = settings.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
      try {
        discovery = JSON.readTree(get(URI.create(where)));
      } catch (IOException e) {
        throw unavailable("the OIDC discovery document " + where + " is not JSON");
      }
      if (!settings.issuer().equals(discovery.path("issuer").asText())) {
        throw unavailable(
            "the OIDC discovery document names issuer '"
                + oneLine(discovery.path("issuer").asText())
                + "', not the configured "
                + settings.issuer());
      }
      String uri = discovery.path("jwks_uri").asText("");
      if (uri.isEmpty()) {
        throw unavailable("the OIDC discovery document has no jwks_uri");
      }
      jwksUri = URI.create(uri);
    }
    try {
      keys = JWKSet.parse(get(jwksUri));
    } catch (ParseException e) {
      throw unavailable("the OIDC issuer's JWKS " + jwksUri + " is not a JWK set");
    }
  }

  private String get(URI uri) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(settings.httpTimeout()).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw unavailable("the OIDC issuer answered " + r.statusCode() + " for " + uri);
      }
      return r.body();
    } catch (IOException e) {
      throw unavailable("cannot reach the OIDC issuer at " + uri + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while fetching " + uri);
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replaceAll("\\p{Cntrl}", " ");
    return flat.length() > 100 ? flat.substring(0, 100) + "..." : flat;
  }

  private static ProblemException refused(String message) {
    return new ProblemException(Problem.of(Problem.Code.UNAUTHENTICATED, "", message));
  }

  private static ProblemException unavailable(String message) {
    return new ProblemException(Problem.of(Problem.Code.UNAVAILABLE, "", message));
  }
}
