package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.GatewayServer;
import dev.trestle.protocol.v1.IngressGatewaySpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.TlsMode;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.Port;
import io.fabric8.istio.api.api.networking.v1alpha3.Server;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSProtocol;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSmode;
import io.fabric8.istio.api.networking.v1.Gateway;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * IngressGateways → a Gateway plus one gateway-bound VirtualService per routed host, in the
 * gateway's workload namespace. What each route becomes is {@link GatewayRoutes}'.
 */
final class GatewayTranslation {
  private final ConfigSnapshot snapshot;
  private final Placement placement;
  private final GatewayRoutes routes;
  private final RateLimitTranslation rateLimits;
  private final WasmTranslation extras;
  private final ApiDefinitions apis;
  private final ApiJwtTranslation apiJwt;
  private final Emission emission;

  GatewayTranslation(
      ConfigSnapshot snapshot,
      Placement placement,
      TrafficIndex index,
      ServicePorts ports,
      RateLimitTranslation rateLimits,
      WasmTranslation extras,
      Emission emission) {
    this.snapshot = snapshot;
    this.placement = placement;
    this.routes = new GatewayRoutes(snapshot, index, ports);
    this.rateLimits = rateLimits;
    this.extras = extras;
    this.apis = new ApiDefinitions(snapshot, emission);
    this.apiJwt = new ApiJwtTranslation(emission);
    this.emission = emission;
  }

  void run() {
    for (Resource gateway : snapshot.ofKind(Kind.INGRESS_GATEWAY)) {
      Fqn fqn = Fqn.parse(Provenance.fqn(gateway));
      if (!placement.scopeExists(fqn)) {
        emission.warn(gateway, "its workspace or group is not in the snapshot; ignored");
        continue;
      }
      gatewayNamespace(gateway, fqn).ifPresent(ns -> translate(gateway, ns));
    }
  }

  /**
   * The namespace of the gateway's objects here: its {@code workloadNamespace} when its group
   * covers that namespace in this cluster (else none, reported), or, when unset, one derived from
   * the namespaces the group covers here ({@link #derivedNamespace}). None when the group covers
   * nothing here: the gateway is not deployed in this cluster.
   */
  private Optional<String> gatewayNamespace(Resource gateway, Fqn fqn) {
    SortedSet<String> covered = placement.localNamespaces(fqn);
    if (covered.isEmpty()) {
      return Optional.empty();
    }
    String wanted = gateway.getIngressGateway().getWorkloadNamespace();
    if (wanted.isEmpty()) {
      return derivedNamespace(gateway, covered);
    }
    if (!covered.contains(wanted)) {
      emission.warn(
          gateway,
          "its workloadNamespace '"
              + wanted
              + "' is not a namespace its group covers here ("
              + String.join(", ", covered)
              + "); not emitted");
      return Optional.empty();
    }
    return Optional.of(wanted);
  }

  /**
   * Without a {@code workloadNamespace}: the namespaces the gateway's group covers here, minus the
   * namespaces its routes send traffic to (a GATEWAY group must also cover those). When several
   * remain the first is used, with a diagnostic; when none remains the gateway is not deployed in
   * this cluster.
   */
  private Optional<String> derivedNamespace(Resource gateway, SortedSet<String> covered) {
    SortedSet<String> candidates = new TreeSet<>(covered);
    for (GatewayRoute r : gateway.getIngressGateway().getRoutesList()) {
      ServiceRef.parse(r.getService()).ifPresent(s -> candidates.remove(s.namespace()));
    }
    if (candidates.isEmpty()) {
      emission.warn(
          gateway,
          "every namespace its group covers here ("
              + String.join(", ", covered)
              + ") is a route target, so the gateway's own namespace cannot be told (set"
              + " workloadNamespace); not emitted");
      return Optional.empty();
    }
    if (candidates.size() > 1) {
      emission.warn(
          gateway,
          "its group covers several non-target namespaces here ("
              + String.join(", ", candidates)
              + "); the gateway objects go to "
              + candidates.first()
              + " (set workloadNamespace to choose)");
    }
    return Optional.of(candidates.first());
  }

  private void translate(Resource gateway, String namespace) {
    Consumer<String> warn = m -> emission.warn(gateway, m);
    Provenance own = Provenance.of(gateway);
    String gatewayName = ObjectNames.name(gateway.getMetadata().getName(), own.sourceFqn());
    // API definitions add HTTPS servers (x-trestle-tls) and routes after the gateway's own.
    ApiDefinitions.Contribution api = apis.of(gateway, gateway.getIngressGateway());
    IngressGatewaySpec spec =
        gateway.getIngressGateway().toBuilder().addAllServers(api.servers()).build();

    var gwSpec = new io.fabric8.istio.api.api.networking.v1alpha3.Gateway();
    gwSpec.setSelector(new TreeMap<>(spec.getWorkloadSelectorMap()));
    var servers = new ArrayList<Server>();
    for (GatewayServer s : spec.getServersList()) {
      servers.add(server(s));
      if (s.getTls().getMode() == TlsMode.PASSTHROUGH || s.getProtocol().equals("TCP")) {
        warn.accept(
            "server on port "
                + s.getPort()
                + " needs TLS/TCP routes, which the model does not have; nothing is routed there");
      }
    }
    gwSpec.setServers(servers);
    var gw = new Gateway();
    Provenance withServers = Provenance.of(gateway, api.serverInputs());
    gw.setMetadata(withServers.meta(gatewayName, namespace));
    gw.setSpec(gwSpec);
    emission.emit(gw, withServers);

    var limited = new ArrayList<RateLimitTranslation.LimitedRoute>();
    var limitInputs = new ArrayList<Resource>();
    Map<String, List<GatewayRoute>> byHost = new LinkedHashMap<>();
    for (GatewayRoute r : spec.getRoutesList()) {
      byHost.computeIfAbsent(r.getHost(), h -> new ArrayList<>()).add(r);
    }
    Map<GatewayRoute, Resource> apiRoutes = api.routes();
    apiRoutes
        .keySet()
        .forEach(r -> byHost.computeIfAbsent(r.getHost(), h -> new ArrayList<>()).add(r));
    for (var entry : byHost.entrySet()) {
      String host = entry.getKey();
      var inputs = new ArrayList<Resource>();
      var http = new ArrayList<HTTPRoute>();
      for (GatewayRoute r : entry.getValue()) {
        Resource definition = apiRoutes.get(r);
        if (definition != null) {
          inputs.add(definition);
        }
        var routeInputs = new ArrayList<Resource>();
        List<HTTPRoute> made = routes.routes(gateway, r, routeInputs, warn);
        inputs.addAll(routeInputs);
        if (r.hasCors()) {
          made.forEach(h -> h.setCorsPolicy(GatewayCors.of(r.getCors())));
        }
        http.addAll(made);
        if (r.hasRateLimit()) {
          if (definition != null) {
            limitInputs.add(definition);
          }
          limitInputs.addAll(routeInputs); // a followed ServiceRoute names the Envoy routes
          limited.add(
              new RateLimitTranslation.LimitedRoute(
                  r.getName(), r.getRateLimit(), envoyRoutes(spec, host, made)));
        }
      }
      Provenance provenance = Provenance.of(gateway, inputs);
      var vsSpec = new io.fabric8.istio.api.api.networking.v1alpha3.VirtualService();
      vsSpec.setHosts(List.of(host));
      vsSpec.setGateways(List.of(namespace + "/" + gatewayName));
      vsSpec.setHttp(http);
      var vs = new VirtualService();
      vs.setMetadata(
          provenance.meta(
              ObjectNames.name(
                  gateway.getMetadata().getName() + "-" + host.replace("*", "wildcard"),
                  own.sourceFqn() + "#" + host),
              namespace));
      vs.setSpec(vsSpec);
      emission.emit(vs, provenance);
    }
    apiJwt.apply(gateway, namespace, spec.getWorkloadSelectorMap(), apiRoutes, api.jwt());
    rateLimits.gateway(gateway, limitInputs, namespace, spec.getWorkloadSelectorMap(), limited);
    extras.gateway(gateway, namespace);
  }

  /**
   * The Envoy routes Istio makes of a host's HTTP routes: one virtual host {@code host:port} per
   * HTTP listener serving the host, one route per match, named {@code <route>.<match>} when the
   * match has a name (else after the route).
   */
  private static List<RateLimitTranslation.EnvoyRoute> envoyRoutes(
      IngressGatewaySpec spec, String host, List<HTTPRoute> made) {
    var out = new ArrayList<RateLimitTranslation.EnvoyRoute>();
    for (GatewayServer s : spec.getServersList()) {
      if (!servesHttp(s, host)) {
        continue;
      }
      String vhost = host + ":" + s.getPort();
      var names = new TreeSet<String>();
      for (HTTPRoute r : made) {
        if (r.getMatch() == null || r.getMatch().isEmpty()) {
          names.add(r.getName());
        } else {
          r.getMatch()
              .forEach(
                  m ->
                      names.add(
                          m.getName() == null || m.getName().isEmpty()
                              ? r.getName()
                              : r.getName() + "." + m.getName()));
        }
      }
      names.forEach(n -> out.add(new RateLimitTranslation.EnvoyRoute(vhost, n)));
    }
    return out;
  }

  /** Whether an HTTP(S) server of the gateway serves {@code host} (exactly or by wildcard). */
  static boolean servesHttp(GatewayServer s, String host) {
    boolean http = !s.getProtocol().equals("TCP") && !s.getProtocol().equals("TLS");
    return http && s.getHostsList().stream().anyMatch(h -> serves(h, host));
  }

  private static boolean serves(String serverHost, String host) {
    return serverHost.equals("*")
        || serverHost.equals(host)
        || (serverHost.startsWith("*.") && host.endsWith(serverHost.substring(1)));
  }

  private static Server server(GatewayServer s) {
    var server = new Server();
    if (!s.getName().isEmpty()) {
      server.setName(s.getName());
    }
    var port = new Port();
    port.setNumber((long) s.getPort());
    port.setProtocol(s.getProtocol());
    port.setName(
        s.getName().isEmpty()
            ? s.getProtocol().toLowerCase(Locale.ROOT) + "-" + s.getPort()
            : s.getName());
    server.setPort(port);
    server.setHosts(List.copyOf(s.getHostsList()));
    if (s.hasTls() && s.getTls().getMode() != TlsMode.TLS_MODE_UNSPECIFIED) {
      var tls = new ServerTLSSettings();
      tls.setMode(ServerTLSSettingsTLSmode.valueOf(s.getTls().getMode().name()));
      if (!s.getTls().getCredentialName().isEmpty()) {
        tls.setCredentialName(s.getTls().getCredentialName());
      }
      if (!s.getTls().getMinProtocolVersion().isEmpty()) {
        tls.setMinProtocolVersion(
            ServerTLSSettingsTLSProtocol.valueOf(s.getTls().getMinProtocolVersion()));
      }
      server.setTls(tls);
    }
    return server;
  }
}
