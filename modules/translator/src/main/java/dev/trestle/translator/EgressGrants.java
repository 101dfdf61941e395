package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.EgressGrant;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who an EgressGateway lets through to which host. A workspace's or group's egress policy may send
 * a host through the gateway when a grant names that workspace (for a group: its workspace or the
 * group itself) and a pattern of the grant matches the host; a grant naming principals admits those
 * principals only (on the gateway's AuthorizationPolicy), so it also lets their namespace route
 * there.
 */
final class EgressGrants {
  private static final String NAMESPACE_MARK = "/ns/";

  private EgressGrants() {}

  /** {@code *.example.com} matches subdomains of example.com; anything else only itself. */
  static boolean hostMatches(String pattern, String host) {
    return pattern.equals(host)
        || (pattern.startsWith("*.") && host.endsWith(pattern.substring(1)));
  }

  static boolean anyMatches(List<String> patterns, String host) {
    return patterns.stream().anyMatch(p -> hostMatches(p, host));
  }

  /** Whether a grant of {@code gateway} names the scope (workspace or group) for {@code host}. */
  static boolean scopeAllowed(Resource gateway, Fqn scope, String host) {
    String scopeFqn = scope.toString();
    Optional<String> workspace = Placement.ancestor(scope, Kind.WORKSPACE).map(Fqn::toString);
    for (EgressGrant g : gateway.getEgressGateway().getAllowList()) {
      boolean names =
          g.getFromGroupsList().contains(scopeFqn)
              || workspace.map(w -> g.getFromWorkspacesList().contains(w)).orElse(false);
      if (names && anyMatches(g.getHostsList(), host)) {
        return true;
      }
    }
    return false;
  }

  /** The principals of {@code namespace} a grant of {@code gateway} admits for {@code host}. */
  static SortedSet<String> principalsIn(Resource gateway, String namespace, String host) {
    var out = new TreeSet<String>();
    for (String p : principals(gateway, host)) {
      if (p.contains(NAMESPACE_MARK + namespace + "/sa/")) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every principal a grant of {@code gateway} admits for {@code host}. */
  static SortedSet<String> principals(Resource gateway, String host) {
    var out = new TreeSet<String>();
    for (EgressGrant g : gateway.getEgressGateway().getAllowList()) {
      if (anyMatches(g.getHostsList(), host)) {
        g.getFromPrincipalsList().forEach(p -> out.add(p.strip()));
      }
    }
    return out;
  }
}
