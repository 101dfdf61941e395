package dev.trestle.management;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.trestle.protocol.v1.ClaimRequirement;
import dev.trestle.protocol.v1.JwtIssuer;
import dev.trestle.protocol.v1.JwtPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.regex.Pattern;

/**
 * Request-token (JWT) rules, shared by security settings and gateway servers. An inline JWKS is
 * parsed here, when applied, so a bad key set is refused with its field path instead of failing in
 * every proxy; the key set is public material, but a private key in it is refused (it would leak).
 */
final class JwtRules {
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*");
  private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9._~-]+");

  private JwtRules() {}

  static void policy(Checks c, String f, JwtPolicy jwt) {
    if (jwt.getIssuersCount() == 0) {
      if (jwt.getRequired() || jwt.getClaimsCount() > 0) {
        c.add(f + ".issuers", "at least one issuer is required");
      }
      return;
    }
    var issuers = new ArrayList<String>();
    for (int i = 0; i < jwt.getIssuersCount(); i++) {
      issuer(c, f + ".issuers[" + i + "]", jwt.getIssuers(i));
      issuers.add(jwt.getIssuers(i).getIssuer());
    }
    c.duplicates(f + ".issuers", issuers);
    for (int i = 0; i < jwt.getClaimsCount(); i++) {
      claim(c, f + ".claims[" + i + "]", jwt.getClaims(i));
    }
  }

  private static void issuer(Checks c, String f, JwtIssuer issuer) {
    if (issuer.getIssuer().isBlank()) {
      c.add(f + ".issuer", "is required");
    } else if (issuer.getIssuer().contains("*") || issuer.getIssuer().contains(" ")) {
      c.add(f + ".issuer", "'" + issuer.getIssuer() + "' must be an issuer name, no '*' or spaces");
    }
    boolean inline = !issuer.getJwks().isBlank();
    boolean remote = !issuer.getJwksUri().isBlank();
    if (inline == remote) {
      c.add(f, "exactly one of jwks (inline) and jwksUri is required");
    }
    if (inline) {
      jwks(c, f + ".jwks", issuer.getJwks());
    }
    if (remote) {
      jwksUri(c, f + ".jwksUri", issuer.getJwksUri());
    }
    for (int j = 0; j < issuer.getAudiencesCount(); j++) {
      if (issuer.getAudiences(j).isBlank()) {
        c.add(f + ".audiences[" + j + "]", "must not be empty");
      }
    }
    c.duplicates(f + ".audiences", issuer.getAudiencesList());
    for (int j = 0; j < issuer.getFromHeadersCount(); j++) {
      String name = issuer.getFromHeaders(j).getName();
      if (!HEADER.matcher(name).matches()) {
        c.add(f + ".fromHeaders[" + j + "].name", "'" + name + "' is not an HTTP header name");
      }
    }
    for (int j = 0; j < issuer.getFromParamsCount(); j++) {
      if (!PARAM.matcher(issuer.getFromParams(j)).matches()) {
        c.add(
            f + ".fromParams[" + j + "]",
            "'" + issuer.getFromParams(j) + "' is not a query parameter name");
      }
    }
  }

  private static void jwks(Checks c, String f, String text) {
    JWKSet set;
    try {
      set = JWKSet.parse(text);
    } catch (ParseException e) {
      c.add(f, "is not a JWKS document: " + e.getMessage());
      return;
    }
    if (set.getKeys().isEmpty()) {
      c.add(f + ".keys", "holds no key");
    }
    for (int k = 0; k < set.getKeys().size(); k++) {
      JWK key = set.getKeys().get(k);
      if (key.isPrivate()) {
        // Never echo key material: only say which key.
        c.add(f + ".keys[" + k + "]", "is a private key; a JWKS must hold public keys only");
      }
    }
  }

  private static void jwksUri(Checks c, String f, String text) {
    try {
      URI uri = new URI(text);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        c.add(f, "'" + text + "' must be an https URL with a host");
      }
    } catch (URISyntaxException e) {
      c.add(f, "'" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static void claim(Checks c, String f, ClaimRequirement claim) {
    if (!CLAIM.matcher(claim.getClaim()).matches()) {
      c.add(
          f + ".claim",
          "'" + claim.getClaim() + "' must be a claim name (letters, digits, '_', ':', '-', '.')");
    }
    if (claim.getValuesCount() == 0) {
      c.add(f + ".values", "at least one value is required");
    }
    for (int j = 0; j < claim.getValuesCount(); j++) {
      if (claim.getValues(j).isEmpty()) {
        c.add(f + ".values[" + j + "]", "must not be empty");
      }
    }
  }
}
