package dev.trestle.management;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.GlobalRateLimit;
import dev.trestle.protocol.v1.LocalRateLimit;
import dev.trestle.protocol.v1.RateLimit;
import dev.trestle.protocol.v1.RateLimitKey;
import dev.trestle.protocol.v1.RateLimitRule;
import dev.trestle.protocol.v1.RateLimitUnit;
import dev.trestle.translator.RateLimitFilters;
import java.util.HashSet;
import java.util.regex.Pattern;

/**
 * A rate limit on a service or a gateway route: a local token bucket and/or global rules keyed by
 * request attributes. Shared by {@link ServiceRouteRules} and {@link IngressGatewayRules}.
 */
final class RateLimitRules {
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");

  private RateLimitRules() {}

  static void check(Checks c, String f, RateLimit limit) {
    if (!limit.hasLocal() && !limit.hasGlobal()) {
      c.add(f, "set local, global or both");
    }
    if (limit.hasLocal()) {
      local(c, f + ".local", limit.getLocal());
    }
    if (limit.hasGlobal()) {
      global(c, f + ".global", limit.getGlobal());
    }
  }

  private static void local(Checks c, String f, LocalRateLimit l) {
    if (l.getRequests() == 0) {
      c.add(f + ".requests", "must be at least 1");
    }
    if (l.getInterval().isEmpty()) {
      c.add(f + ".interval", "is required, e.g. 1s or 1m");
    } else {
      c.duration(f + ".interval", l.getInterval());
      Durations.parse(l.getInterval())
          .filter(d -> d.compareTo(RateLimitFilters.MIN_FILL_INTERVAL) < 0)
          .ifPresent(d -> c.add(f + ".interval", "must be at least 50ms (Envoy refuses less)"));
    }
    if (l.getBurst() != 0 && l.getBurst() < l.getRequests()) {
      c.add(f + ".burst", "must be 0 (= requests) or at least requests (" + l.getRequests() + ")");
    }
  }

  private static void global(Checks c, String f, GlobalRateLimit g) {
    Placement.wellFormed(c, f + ".service", g.getService(), true);
    c.port(f + ".port", g.getPort(), false);
    if (!g.getDomain().isEmpty()) {
      c.name(f + ".domain", g.getDomain());
    }
    if (g.getRulesCount() == 0) {
      c.add(f + ".rules", "at least one rule is required");
    }
    var names = new HashSet<String>();
    for (int i = 0; i < g.getRulesCount(); i++) {
      rule(c, f + ".rules[" + i + "]", g.getRules(i), names);
    }
  }

  private static void rule(Checks c, String f, RateLimitRule r, HashSet<String> names) {
    c.name(f + ".name", r.getName());
    if (!names.add(r.getName())) {
      c.add(f + ".name", "duplicate rule '" + r.getName() + "'");
    }
    if (r.getRequestsPerUnit() == 0) {
      c.add(f + ".requestsPerUnit", "must be at least 1");
    }
    if (r.getUnit() == RateLimitUnit.RATE_LIMIT_UNIT_UNSPECIFIED
        || r.getUnit() == RateLimitUnit.UNRECOGNIZED) {
      c.add(f + ".unit", "is required: SECOND, MINUTE, HOUR or DAY");
    }
    if (r.getKeysCount() == 0) {
      c.add(f + ".keys", "at least one key is required (header, remoteAddress, path or claim)");
    }
    for (int j = 0; j < r.getKeysCount(); j++) {
      key(c, f + ".keys[" + j + "]", r.getKeys(j));
    }
  }

  private static void key(Checks c, String f, RateLimitKey k) {
    switch (k.getKeyCase()) {
      case HEADER -> {
        if (!HEADER_NAME.matcher(k.getHeader()).matches()) {
          c.add(f + ".header", "'" + k.getHeader() + "' is not a lowercase HTTP header name");
        }
      }
      case REMOTE_ADDRESS -> {
        if (!k.getRemoteAddress()) {
          c.add(f + ".remoteAddress", "must be true when set");
        }
      }
      case PATH -> {
        if (!k.getPath()) {
          c.add(f + ".path", "must be true when set");
        }
      }
      case CLAIM -> {
        if (k.getClaim().getIssuer().isBlank()) {
          c.add(f + ".claim.issuer", "is required");
        }
        if (!HEADER_NAME.matcher(k.getClaim().getName()).matches()) {
          c.add(f + ".claim.name", "'" + k.getClaim().getName() + "' is not a claim name");
        }
      }
      case KEY_NOT_SET -> c.add(f, "set one of header, remoteAddress, path or claim");
    }
  }
}
