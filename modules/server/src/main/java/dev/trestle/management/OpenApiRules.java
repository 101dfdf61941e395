package dev.trestle.management;

import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.TlsMode;
import dev.trestle.translator.openapi.ApiRoutes;
import java.util.HashSet;
import java.util.List;

/**
 * An API definition's OpenAPI document, parsed at apply time exactly as the translator will ({@link
 * ApiRoutes}: no network or file access; remote {@code $ref}s refused): the parser's messages (with
 * their locations) and the routes' own problems are violations of {@code spec.openapi}, each
 * derived route is checked like a gateway route (service, port, timeout, rate limit, CORS), each
 * {@code x-trestle-tls} like a gateway server's TLS and each {@code x-trestle-jwt} like a gateway
 * server's JWT policy (an inline JWKS parsed, never echoed), with the extension's place in the
 * document as the start of the field ({@code spec.openapi: x-trestle-jwt.issuers[0].jwks}). An
 * {@code x-trestle-*} key where it is not read is refused.
 */
final class OpenApiRules {
  private OpenApiRules() {}

  static List<GatewayRoute> check(Checks c, String f, String apiName, String document) {
    ApiRoutes.Result result = ApiRoutes.of(apiName, document);
    result.problems().forEach(p -> c.add(f, p));
    result.stray().forEach(p -> c.add(f, p));
    for (GatewayRoute r : result.routes()) {
      String at = f + " route '" + r.getName() + "' (" + r.getHost() + ")";
      Placement.service(c, at + ".service", r.getService(), true);
      c.port(at + ".port", r.getPort(), false);
      c.duration(at + ".timeout", r.getTimeout());
      if (r.hasRateLimit()) {
        RateLimitRules.check(c, at + ".rateLimit", r.getRateLimit());
      }
      if (r.hasCors()) {
        CorsRules.check(c, at + ".cors", r.getCors());
      }
    }
    var seen = new HashSet<String>();
    for (ApiRoutes.ServerTls tls : result.tls()) {
      String at = f + ": " + tls.where();
      if (!seen.add(tls.where())) {
        continue;
      }
      GatewayTlsRules.check(c, at, "HTTPS", true, tls.tls());
      if (tls.tls().getMode() == TlsMode.PASSTHROUGH) {
        c.add(
            at + ".mode",
            "PASSTHROUGH does not terminate TLS, so the API's HTTP routes could not match; use"
                + " SIMPLE or MUTUAL");
      }
    }
    for (ApiRoutes.RouteJwt jwt : result.jwt().values()) {
      if (seen.add(jwt.where())) {
        String at = f + ": " + jwt.where();
        var p = jwt.policy();
        if (p.getIssuersCount() == 0 && !p.getRequired() && p.getClaimsCount() == 0) {
          c.add(at + ".issuers", "at least one issuer is required");
        }
        JwtRules.policy(c, at, p);
      }
    }
    return result.routes();
  }
}
