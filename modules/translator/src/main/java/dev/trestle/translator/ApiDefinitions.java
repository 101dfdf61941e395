package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.GatewayServer;
import dev.trestle.protocol.v1.IngressGatewaySpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.TlsMode;
import dev.trestle.translator.openapi.ApiRoutes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the ApiDefinitions of a gateway's group add to it ({@link ApiRoutes}: an OpenAPI document's
 * servers, paths and methods): routes, each with the definition it came from and its request-token
 * policy, and the HTTPS servers their {@code x-trestle-tls} asks for. A definition whose document
 * no longer parses adds nothing (it was checked at apply time); a TLS server that would clash with
 * a server the gateway already has on that port, and a route whose host no server serves, are left
 * out. All are reported.
 */
final class ApiDefinitions {
  private final ConfigSnapshot snapshot;
  private final Emission emission;

  /**
   * The gateway's additions: {@code routes} (route → definition), each route's request-token policy
   * ({@code jwt}), the {@code servers} added to the gateway's, and the definitions those came from.
   */
  record Contribution(
      Map<GatewayRoute, Resource> routes,
      Map<GatewayRoute, ApiRoutes.RouteJwt> jwt,
      List<GatewayServer> servers,
      Set<Resource> serverInputs) {}

  ApiDefinitions(ConfigSnapshot snapshot, Emission emission) {
    this.snapshot = snapshot;
    this.emission = emission;
  }

  Contribution of(Resource gateway, IngressGatewaySpec spec) {
    String gatewayFqn = Provenance.fqn(gateway);
    Fqn group = Fqn.parse(gatewayFqn).parent();
    var routes = new LinkedHashMap<GatewayRoute, Resource>();
    var jwt = new LinkedHashMap<GatewayRoute, ApiRoutes.RouteJwt>();
    var servers = new ArrayList<>(spec.getServersList());
    var added = new ArrayList<GatewayServer>();
    var serverInputs = new LinkedHashSet<Resource>();
    for (Resource api : snapshot.ofKind(Kind.API_DEFINITION)) {
      if (!api.getApiDefinition().getGateway().equals(gatewayFqn)
          || !Fqn.parse(Provenance.fqn(api)).parent().equals(group)) {
        continue;
      }
      String name = api.getMetadata().getName();
      ApiRoutes.Result result = ApiRoutes.of(name, api.getApiDefinition().getOpenapi());
      result.problems().forEach(p -> emission.warn(api, "OpenAPI document: " + p));
      for (ApiRoutes.ServerTls tls : result.tls()) {
        GatewayServer server = tlsServer(name, tls);
        clash(servers, server)
            .ifPresentOrElse(
                other ->
                    emission.warn(
                        api,
                        tls.where()
                            + ": no server of its own for "
                            + tls.host()
                            + ":"
                            + tls.port()
                            + ", which would clash with "
                            + other
                            + " of "
                            + gatewayFqn
                            + "; left out"),
                () -> {
                  servers.add(server);
                  added.add(server);
                  serverInputs.add(api);
                });
      }
      for (GatewayRoute r : result.routes()) {
        if (servers.stream().noneMatch(s -> GatewayTranslation.servesHttp(s, r.getHost()))) {
          emission.warn(
              api,
              "route '"
                  + r.getName()
                  + "': host "
                  + r.getHost()
                  + " is served by no HTTP server of "
                  + gatewayFqn
                  + " or of its API definitions; left out");
          continue;
        }
        if (routes.putIfAbsent(r, api) == null && result.jwt().containsKey(r.getName())) {
          jwt.put(r, result.jwt().get(r.getName()));
        }
      }
    }
    return new Contribution(routes, jwt, added, serverInputs);
  }

  /** An HTTPS server of the API for one host, named after the API and the host. */
  private static GatewayServer tlsServer(String api, ApiRoutes.ServerTls tls) {
    return GatewayServer.newBuilder()
        .setName(api + "-" + tls.host().replace('.', '-') + "-" + tls.port())
        .setPort(tls.port())
        .setProtocol("HTTPS")
        .addHosts(tls.host())
        .setTls(tls.tls())
        .build();
  }

  /**
   * The server {@code server} would clash with in Istio: one on the same port that is not HTTPS
   * (one port, one protocol), or that serves exactly the same host (one certificate per SNI name).
   * A wildcard server on the port does not clash: the exact name wins its SNI match.
   */
  private static Optional<String> clash(List<GatewayServer> servers, GatewayServer server) {
    if (server.getTls().getMode() == TlsMode.PASSTHROUGH) {
      return Optional.of("no server (PASSTHROUGH does not terminate TLS)");
    }
    for (GatewayServer s : servers) {
      if (s.getPort() != server.getPort()) {
        continue;
      }
      String which =
          "server " + (s.getName().isEmpty() ? "on port " + s.getPort() : "'" + s.getName() + "'");
      if (!s.getProtocol().equals("HTTPS")) {
        return Optional.of(which + " (" + s.getProtocol() + ")");
      }
      if (s.getHostsList().contains(server.getHosts(0))) {
        return Optional.of(which);
      }
    }
    return Optional.empty();
  }
}
