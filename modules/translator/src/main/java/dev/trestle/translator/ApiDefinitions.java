package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.IngressGatewaySpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.openapi.ApiRoutes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes the ApiDefinitions of a gateway's group add to it ({@link ApiRoutes}: an OpenAPI
 * document's servers, paths and methods), each with the definition it came from. A definition whose
 * document no longer parses adds nothing (it was checked at apply time); a route whose host no
 * server of the gateway serves is left out. Both are reported.
 */
final class ApiDefinitions {
  private final ConfigSnapshot snapshot;
  private final Emission emission;

  ApiDefinitions(ConfigSnapshot snapshot, Emission emission) {
    this.snapshot = snapshot;
    this.emission = emission;
  }

  Map<GatewayRoute, Resource> routes(Resource gateway, IngressGatewaySpec spec) {
    String gatewayFqn = Provenance.fqn(gateway);
    Fqn group = Fqn.parse(gatewayFqn).parent();
    var out = new LinkedHashMap<GatewayRoute, Resource>();
    for (Resource api : snapshot.ofKind(Kind.API_DEFINITION)) {
      if (!api.getApiDefinition().getGateway().equals(gatewayFqn)
          || !Fqn.parse(Provenance.fqn(api)).parent().equals(group)) {
        continue;
      }
      ApiRoutes.Result result =
          ApiRoutes.of(api.getMetadata().getName(), api.getApiDefinition().getOpenapi());
      result.problems().forEach(p -> emission.warn(api, "OpenAPI document: " + p));
      for (GatewayRoute r : result.routes()) {
        if (spec.getServersList().stream()
            .noneMatch(s -> GatewayTranslation.servesHttp(s, r.getHost()))) {
          emission.warn(
              api,
              "route '"
                  + r.getName()
                  + "': host "
                  + r.getHost()
                  + " is served by no HTTP server of "
                  + gatewayFqn
                  + "; left out");
          continue;
        }
        out.putIfAbsent(r, api);
      }
    }
    return out;
  }
}
