package dev.trestle.translator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which namespace may reach which external host, judged from the emitted objects of one cluster
 * alone (not from Trestle's resources), the way the proxies would: the namespace's Sidecar
 * (outbound mode, egress hosts), the ServiceEntries exported to it, its VirtualServices, and for a
 * route to an egress gateway the gateway's Gateway, VirtualService, ServiceEntry and
 * AuthorizationPolicy; a NetworkPolicy of the namespace that keeps its pods inside the cluster
 * ({@link EgressNetworkPolicies}) turns a DIRECT verdict into BLOCKED.
 *
 * <p>Without a Sidecar mode the mesh default applies ({@code meshAllowsAny}: Istio's ALLOW_ANY).
 * Callers admitted at a gateway only by principal are not a namespace's: such a namespace is
 * reported BLOCKED there. DENY policies are not evaluated.
 */
public final class EgressReachability {
  /** How traffic from a namespace to an external host leaves, or why it cannot. */
  public enum Outcome {
    DIRECT,
    VIA_GATEWAY,
    BLOCKED
  }

  /** {@code through}: the gateway ({@code namespace/name}) for VIA_GATEWAY, else empty. */
  public record Verdict(Outcome outcome, String through, String reason) {}

  private static final String MESH_DOMAIN = ".svc.cluster.local";

  private final List<DesiredObject> objects;
  private final boolean meshAllowsAny;

  private EgressReachability(List<DesiredObject> objects, boolean meshAllowsAny) {
    this.objects = objects;
    this.meshAllowsAny = meshAllowsAny;
  }

  public static EgressReachability of(DesiredObjects desired, boolean meshAllowsAny) {
    return new EgressReachability(desired.objects(), meshAllowsAny);
  }

  public Verdict reach(String namespace, String host, int port) {
    Optional<JsonNode> sidecar = first("Sidecar", namespace).map(o -> o.tree().path("spec"));
    String mode = sidecar.map(s -> s.at("/outboundTrafficPolicy/mode").asText("")).orElse("");
    boolean allowAny = mode.isEmpty() ? meshAllowsAny : mode.equals("ALLOW_ANY");
    boolean known =
        objects.stream()
            .anyMatch(
                o ->
                    o.key().kind().equals("ServiceEntry")
                        && visible(o, namespace, sidecar, host)
                        && hasPort(o.tree().at("/spec/ports"), port));
    if (!known) {
      return allowAny
          ? direct(namespace, "ALLOW_ANY passes hosts outside the registry")
          : new Verdict(
              Outcome.BLOCKED,
              "",
              "REGISTRY_ONLY and no ServiceEntry for " + host + ":" + port + " visible here");
    }
    Optional<String> next = meshRouteTarget(namespace, sidecar, host, port);
    if (next.isEmpty()) {
      return direct(namespace, "a ServiceEntry for the host is visible here");
    }
    return throughGateway(namespace, host, next.get());
  }

  /**
   * DIRECT, unless a NetworkPolicy of the namespace limits its pods' egress to peers inside the
   * cluster (every rule names peers, none an ipBlock): then the proxy's own connection to the
   * external address is dropped below the mesh.
   */
  private Verdict direct(String namespace, String why) {
    boolean lockedDown =
        objects.stream()
            .filter(
                o ->
                    o.key().kind().equals("NetworkPolicy") && o.key().namespace().equals(namespace))
            .map(o -> o.tree().path("spec"))
            .anyMatch(EgressReachability::insideClusterOnly);
    return lockedDown
        ? blocked(
            why
                + ", but the namespace's NetworkPolicy lets its pods reach only peers inside the"
                + " cluster")
        : new Verdict(Outcome.DIRECT, "", why);
  }

  private static boolean insideClusterOnly(JsonNode spec) {
    if (!contains(spec.path("policyTypes"), "Egress")) {
      return false;
    }
    for (JsonNode rule : spec.path("egress")) {
      if (rule.path("to").size() == 0) {
        return false; // a rule without peers allows every destination
      }
      for (JsonNode peer : rule.path("to")) {
        if (peer.has("ipBlock")) {
          return false;
        }
      }
    }
    return true;
  }

  /** The mesh service a VirtualService visible here sends {@code host:port} to, if any. */
  private Optional<String> meshRouteTarget(
      String namespace, Optional<JsonNode> sidecar, String host, int port) {
    for (DesiredObject o : objects) {
      if (!o.key().kind().equals("VirtualService") || !visible(o, namespace, sidecar, host)) {
        continue;
      }
      JsonNode spec = o.tree().path("spec");
      JsonNode gateways = spec.path("gateways");
      if (gateways.size() > 0 && !contains(gateways, "mesh")) {
        continue;
      }
      var routes = new ArrayList<JsonNode>();
      spec.path("http").forEach(routes::add);
      spec.path("tls").forEach(routes::add);
      spec.path("tcp").forEach(routes::add);
      for (JsonNode route : routes) {
        if (matchesPort(route.path("match"), port)) {
          String target = route.at("/route/0/destination/host").asText("");
          if (target.endsWith(MESH_DOMAIN) && !target.equals(host)) {
            return Optional.of(target);
          }
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private Verdict throughGateway(String namespace, String host, String gatewayService) {
    String gwNamespace = gatewayService.split("\\.")[1];
    Optional<DesiredObject> gateway =
        objects.stream()
            .filter(
                o -> o.key().kind().equals("Gateway") && o.key().namespace().equals(gwNamespace))
            .filter(o -> servesHost(o.tree().at("/spec/servers"), host))
            .findFirst();
    if (gateway.isEmpty()) {
      return blocked("no Gateway in " + gwNamespace + " serves " + host);
    }
    String gwRef = gwNamespace + "/" + gateway.get().key().name();
    boolean routed =
        objects.stream()
            .anyMatch(
                o ->
                    o.key().kind().equals("VirtualService")
                        && o.key().namespace().equals(gwNamespace)
                        && contains(o.tree().at("/spec/hosts"), host)
                        && contains(o.tree().at("/spec/gateways"), gwRef));
    if (!routed) {
      return blocked("no VirtualService routes " + host + " from gateway " + gwRef);
    }
    boolean resolvable =
        objects.stream()
            .anyMatch(
                o ->
                    o.key().kind().equals("ServiceEntry")
                        && visible(o, gwNamespace, Optional.empty(), host));
    if (!resolvable) {
      return blocked("the gateway namespace " + gwNamespace + " has no ServiceEntry for " + host);
    }
    JsonNode selector = gateway.get().tree().at("/spec/selector");
    List<JsonNode> allows =
        objects.stream()
            .filter(
                o ->
                    o.key().kind().equals("AuthorizationPolicy")
                        && o.key().namespace().equals(gwNamespace))
            .map(o -> o.tree().path("spec"))
            .filter(s -> s.path("action").asText("ALLOW").equals("ALLOW"))
            .filter(s -> s.at("/selector/matchLabels").equals(selector))
            .toList();
    if (!allows.isEmpty() && allows.stream().noneMatch(s -> admits(s, namespace, host))) {
      return blocked(
          "the AuthorizationPolicy of gateway "
              + gwRef
              + " does not admit "
              + namespace
              + " to "
              + host);
    }
    return new Verdict(Outcome.VIA_GATEWAY, gwRef, "routed to the egress gateway, which admits it");
  }

  private static Verdict blocked(String reason) {
    return new Verdict(Outcome.BLOCKED, "", reason);
  }

  private static boolean admits(JsonNode policy, String namespace, String host) {
    for (JsonNode rule : policy.path("rules")) {
      boolean from =
          rule.path("from").isEmpty()
              || streamOf(rule.path("from"))
                  .anyMatch(f -> contains(f.at("/source/namespaces"), namespace));
      boolean to =
          rule.path("to").isEmpty()
              || streamOf(rule.path("to"))
                  .anyMatch(t -> matchesAny(t.at("/operation/hosts"), host));
      boolean when =
          streamOf(rule.path("when"))
              .allMatch(
                  c ->
                      !c.path("key").asText().equals("connection.sni")
                          || contains(c.path("values"), host));
      if (from && to && when) {
        return true;
      }
    }
    return false;
  }

  /** Exported to the namespace, and (with a Sidecar) among its egress hosts. */
  private static boolean visible(
      DesiredObject o, String namespace, Optional<JsonNode> sidecar, String host) {
    JsonNode spec = o.tree().path("spec");
    if (!matchesAny(spec.path("hosts"), host)) {
      return false;
    }
    String own = o.key().namespace();
    JsonNode exportTo = spec.path("exportTo");
    boolean exported =
        exportTo.isEmpty()
            || streamOf(exportTo)
                .map(JsonNode::asText)
                .anyMatch(
                    e ->
                        e.equals("*")
                            || e.equals(namespace)
                            || (e.equals(".") && own.equals(namespace)));
    if (!exported || sidecar.isEmpty()) {
      return exported;
    }
    return streamOf(sidecar.get().at("/egress/0/hosts"))
        .map(JsonNode::asText)
        .anyMatch(
            e -> {
              String ns = e.substring(0, e.indexOf('/'));
              String h = e.substring(e.indexOf('/') + 1);
              boolean nsOk =
                  ns.equals("*") || ns.equals(own) || (ns.equals(".") && own.equals(namespace));
              return nsOk && (h.equals("*") || EgressGrants.hostMatches(h, host));
            });
  }

  private static boolean servesHost(JsonNode servers, String host) {
    return streamOf(servers).anyMatch(s -> matchesAny(s.path("hosts"), host));
  }

  private static boolean matchesPort(JsonNode matches, int port) {
    return matches.isEmpty()
        || streamOf(matches).anyMatch(m -> !m.has("port") || m.path("port").asInt() == port);
  }

  private static boolean hasPort(JsonNode ports, int port) {
    return streamOf(ports).anyMatch(p -> p.path("number").asInt() == port);
  }

  private static boolean matchesAny(JsonNode patterns, String host) {
    return streamOf(patterns)
        .map(JsonNode::asText)
        .map(p -> p.contains("/") ? p.substring(p.indexOf('/') + 1) : p)
        .map(p -> p.endsWith(":*") ? p.substring(0, p.length() - 2) : p)
        .anyMatch(p -> p.equals("*") || EgressGrants.hostMatches(p, host));
  }

  private static boolean contains(JsonNode array, String value) {
    return streamOf(array).anyMatch(n -> n.asText().equals(value));
  }

  private static Stream<JsonNode> streamOf(JsonNode array) {
    var list = new ArrayList<JsonNode>();
    array.forEach(list::add);
    return list.stream();
  }

  private Optional<DesiredObject> first(String kind, String namespace) {
    return objects.stream()
        .filter(o -> o.key().kind().equals(kind) && o.key().namespace().equals(namespace))
        .findFirst();
  }
}
