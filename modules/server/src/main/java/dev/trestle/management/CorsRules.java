package dev.trestle.management;

import dev.trestle.protocol.v1.CorsPolicy;

/** A route's CORS policy: exact http(s) origins, known methods, a duration for maxAge. */
final class CorsRules {
  private CorsRules() {}

  static void check(Checks c, String f, CorsPolicy cors) {
    if (cors.getAllowOriginsCount() == 0) {
      c.add(f + ".allowOrigins", "at least one origin is required, e.g. https://shop.example.com");
    }
    for (int i = 0; i < cors.getAllowOriginsCount(); i++) {
      String o = cors.getAllowOrigins(i);
      if (!(o.equals("*") || o.startsWith("https://") || o.startsWith("http://"))
          || o.endsWith("/")) {
        c.add(
            f + ".allowOrigins[" + i + "]",
            "'" + o + "' is not an origin like https://host[:port]");
      }
    }
    for (int i = 0; i < cors.getAllowMethodsCount(); i++) {
      if (!HttpRules.HTTP_METHODS.contains(cors.getAllowMethods(i))) {
        c.add(
            f + ".allowMethods[" + i + "]",
            "'"
                + cors.getAllowMethods(i)
                + "' is not one of "
                + Checks.sorted(HttpRules.HTTP_METHODS));
      }
    }
    c.duration(f + ".maxAge", cors.getMaxAge());
  }
}
