package dev.trestle.management;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ApiDefinitionSpec;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.openapi.ApiRoutes;
import java.util.List;
import java.util.Map;

/**
 * An API definition: the IngressGateway of the same group that exposes it, and an OpenAPI 3
 * document, parsed here ({@link OpenApiRules}) so a malformed one is refused at apply time.
 */
final class ApiDefinitionRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    ApiDefinitionSpec spec = resource.getApiDefinition();
    if (spec.getGateway().isEmpty()) {
      c.add("spec.gateway", "is required: the FQN of an IngressGateway of the same group");
    } else {
      ReferenceRules.fqnsOfKind(
          c, "spec.gateway", List.of(spec.getGateway()), Kind.INGRESS_GATEWAY);
      sameGroup(c, resource, spec.getGateway());
    }
    if (spec.getOpenapi().isBlank()) {
      c.add("spec.openapi", "is required: an OpenAPI 3 document (YAML or JSON)");
    } else {
      OpenApiRules.check(c, "spec.openapi", resource.getMetadata().getName(), spec.getOpenapi());
    }
  }

  private static void sameGroup(Checks c, Resource resource, String gateway) {
    try {
      Fqn own = Fqn.of(Kind.API_DEFINITION, resource.getMetadata());
      Fqn target = Fqn.parse(gateway);
      if (!target.parent().equals(own.parent())) {
        c.add("spec.gateway", "'" + gateway + "' is not in this API definition's group");
      }
    } catch (IllegalArgumentException e) {
      // reported by the FQN rule above
    }
  }

  /** The services the document routes to are placed in the group. */
  @Override
  public void inContext(Resource resource, Checks c) {
    var routes =
        ApiRoutes.of(resource.getMetadata().getName(), resource.getApiDefinition().getOpenapi());
    for (GatewayRoute r : routes.routes()) {
      Placement.placed(c, "spec.openapi route '" + r.getName() + "'.service", r.getService());
    }
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    String gateway = resource.getApiDefinition().getGateway();
    if (!gateway.isEmpty()) {
      refs.put("spec.gateway", gateway);
    }
  }
}
