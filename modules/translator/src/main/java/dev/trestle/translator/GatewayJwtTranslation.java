package dev.trestle.translator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GatewayServer;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request tokens on IngressGateway servers: for each server with a {@code jwt} policy, the
 * RequestAuthentication and DENY rules of {@link JwtTranslation} at the gateway's workloads, in the
 * namespace its Gateway was emitted to here (none: the gateway is not placed here), the DENY rules
 * limited to the server's hosts. Runs after {@link GatewayTranslation}, whose placement it follows.
 */
final class GatewayJwtTranslation {
  private final ConfigSnapshot snapshot;
  private final Emission emission;
  private final JwtTranslation jwt;

  GatewayJwtTranslation(ConfigSnapshot snapshot, Emission emission) {
    this.snapshot = snapshot;
    this.emission = emission;
    this.jwt = new JwtTranslation(emission);
  }

  void run() {
    for (Resource gateway : snapshot.ofKind(Kind.INGRESS_GATEWAY)) {
      String fqn = Provenance.fqn(gateway);
      for (DesiredObject emitted : emission.emittedFor(fqn, "Gateway")) {
        Map<String, String> selector = new TreeMap<>();
        JsonNode labels = emitted.tree().at("/spec/selector");
        labels.properties().forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
        Provenance p = Provenance.of(gateway);
        var servers = gateway.getIngressGateway().getServersList();
        for (int i = 0; i < servers.size(); i++) {
          GatewayServer server = servers.get(i);
          if (!server.hasJwt()) {
            continue;
          }
          String serverId = server.getName().isEmpty() ? "server-" + i : server.getName();
          jwt.apply(
              server.getJwt(),
              gateway.getMetadata().getName() + "-" + serverId,
              fqn + "#" + serverId,
              emitted.key().namespace(),
              selector,
              List.copyOf(server.getHostsList()),
              p);
        }
      }
    }
  }
}
