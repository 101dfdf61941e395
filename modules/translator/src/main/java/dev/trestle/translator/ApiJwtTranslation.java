package dev.trestle.translator;

import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.openapi.ApiRoutes;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Request tokens of API definitions ({@code x-trestle-jwt}) at the gateway that serves them: per
 * extension (the document's, a path item's or an operation's), the RequestAuthentication and DENY
 * rules of {@link JwtTranslation} at the gateway's workloads, in the gateway's namespace, the DENY
 * rules limited to the routes the extension covers (host, path, method). Emitted together with the
 * routes, so a route that needs a token is never served without its rules.
 */
final class ApiJwtTranslation {
  private final JwtTranslation jwt;

  ApiJwtTranslation(Emission emission) {
    this.jwt = new JwtTranslation(emission);
  }

  private record Extension(Resource api, String where) {}

  /** {@code routes} are the emitted API routes of {@code gateway} with their token policies. */
  void apply(
      Resource gateway,
      String namespace,
      Map<String, String> selector,
      Map<GatewayRoute, Resource> apis,
      Map<GatewayRoute, ApiRoutes.RouteJwt> routes) {
    Map<Extension, List<GatewayRoute>> byExtension = new LinkedHashMap<>();
    routes.forEach(
        (route, policy) ->
            byExtension
                .computeIfAbsent(
                    new Extension(apis.get(route), policy.where()), e -> new ArrayList<>())
                .add(route));
    for (var entry : byExtension.entrySet()) {
      Resource api = entry.getKey().api();
      String where = entry.getKey().where();
      List<GatewayRoute> covered = entry.getValue();
      String base =
          where.equals(ApiRoutes.JWT) ? api.getMetadata().getName() : covered.get(0).getName();
      jwt.applyTo(
          routes.get(covered.get(0)).policy(),
          base,
          Provenance.fqn(api) + "#" + where,
          namespace,
          selector,
          scope(covered, routes),
          Provenance.of(api, List.of(gateway)));
    }
  }

  /** One operation per host and path: its methods, on that host with or without a port. */
  private static List<Operation> scope(
      List<GatewayRoute> covered, Map<GatewayRoute, ApiRoutes.RouteJwt> routes) {
    Map<List<String>, TreeSet<String>> methods = new TreeMap<>(ApiJwtTranslation::compare);
    for (GatewayRoute r : covered) {
      var key = List.of(r.getHost(), routes.get(r).authzPath());
      var set = methods.computeIfAbsent(key, k -> new TreeSet<>());
      r.getMatchList().forEach(m -> set.add(m.getMethod()));
    }
    var out = new ArrayList<Operation>();
    methods.forEach(
        (key, set) -> {
          var op = new Operation();
          op.setHosts(JwtTranslation.hostPatterns(List.of(key.get(0))));
          op.setPaths(List.of(key.get(1)));
          if (!set.isEmpty() && !set.contains("")) {
            op.setMethods(List.copyOf(set));
          }
          out.add(op);
        });
    return out;
  }

  private static int compare(List<String> a, List<String> b) {
    int c = a.get(0).compareTo(b.get(0));
    return c != 0 ? c : a.get(1).compareTo(b.get(1));
  }
}
