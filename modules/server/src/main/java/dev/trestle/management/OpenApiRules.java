package dev.trestle.management;

import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.translator.openapi.ApiRoutes;
import java.util.List;

/**
 * An API definition's OpenAPI document, parsed at apply time exactly as the translator will ({@link
 * ApiRoutes}: no network or file access; remote {@code $ref}s refused): the parser's messages (with
 * their locations) and the routes' own problems are violations of {@code spec.openapi}, and each
 * derived route is checked like a gateway route (service, port, timeout, rate limit, CORS).
 */
final class OpenApiRules {
  private OpenApiRules() {}

  static List<GatewayRoute> check(Checks c, String f, String apiName, String document) {
    ApiRoutes.Result result = ApiRoutes.of(apiName, document);
    result.problems().forEach(p -> c.add(f, p));
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
    return result.routes();
  }
}
