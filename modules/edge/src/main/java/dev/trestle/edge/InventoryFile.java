package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.Locality;
import dev.trestle.xds.LocalInventory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The inventory file format (YAML), for VMs, demos and tests:
 *
 * <pre>
 * network: net-1                      # optional
 * locality: {region: eu-west-1, zone: eu-west-1a}   # optional
 * namespaces: [shop, payments]
 * services:
 *   - namespace: shop
 *     name: web
 *     hostname: web.shop.svc.cluster.local   # optional, this is the default
 *     ports: [{name: http, port: 8080, protocol: HTTP}]
 *     labels: {app: web}
 *     endpoints: 3
 *     healthyEndpoints: 3                     # default: endpoints
 *     addresses:                              # optional, stays on the edge (xDS); counts come from it
 *       - {address: 10.0.0.5, port: 18080, labels: {version: v1}, healthy: true}
 * gateways:
 *   - {namespace: istio-system, name: eastwest, role: EAST_WEST, addresses: [10.0.0.1],
 *      ports: [{name: tls, port: 15443, protocol: TLS}],
 *      readyEndpoints: 2}                    # optional; 0 = outage: others stop routing here
 * allowEmpty: false                   # true: no namespaces/services is meant (see InventoryGuard)
 * telemetry:                          # optional; read by TelemetryInventory, not reported
 *   window: 30s
 *   scrape: [http://10.0.0.5:15020/stats/prometheus]
 * istio:                              # optional; see InventoryIstio and docs/upgrades.md
 *   revisions: [{name: 1-22-1, version: 1.22.1}]
 *   tags: {stable: 1-22-1}
 * </pre>
 *
 * Namespaces of services and gateways are added to {@code namespaces}. Unknown keys are errors (a
 * typo must not silently drop a field); every problem is reported as {@code file: field: why}.
 */
public final class InventoryFile {
  static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "TCP", "TLS", "HTTPS");
  static final Set<String> ROLES = Set.of("INGRESS", "EAST_WEST");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "network",
          "locality",
          "namespaces",
          "services",
          "gateways",
          "allowEmpty",
          "telemetry",
          "istio");
  private static final Set<String> LOCALITY = Set.of("region", "zone");
  private static final Set<String> SERVICE =
      Set.of(
          "namespace",
          "name",
          "hostname",
          "ports",
          "labels",
          "endpoints",
          "healthyEndpoints",
          "addresses");
  private static final Set<String> GATEWAY =
      Set.of("namespace", "name", "role", "addresses", "ports", "readyEndpoints");
  private static final Set<String> PORT = Set.of("name", "port", "protocol");

  private final YamlFields fields;
  private final Map<String, List<LocalInventory.Endpoint>> addresses = new TreeMap<>();
  private boolean allowEmpty;

  /**
   * An inventory file read: what is reported to central, the endpoint addresses that stay on the
   * edge (keyed {@code namespace/name}; only services that list {@code addresses}), and whether the
   * file says {@code allowEmpty: true} (an empty inventory is meant, not a truncated file: see
   * {@link InventoryGuard}).
   */
  public record Parsed(
      Inventory inventory,
      Map<String, List<LocalInventory.Endpoint>> addresses,
      boolean allowEmpty) {
    public static final Parsed EMPTY = new Parsed(Inventory.getDefaultInstance(), Map.of());

    public Parsed {
      addresses = Map.copyOf(addresses);
    }

    public Parsed(Inventory inventory, Map<String, List<LocalInventory.Endpoint>> addresses) {
      this(inventory, addresses, false);
    }

    /** The inventory for the xDS translator: the reported services with their addresses. */
    public LocalInventory local(String cluster) {
      return toLocal(cluster, inventory, addresses);
    }
  }

  /** Services with their ports and labels; endpoints from {@code addresses} (none when absent). */
  public static LocalInventory toLocal(
      String cluster, Inventory inventory, Map<String, List<LocalInventory.Endpoint>> addresses) {
    var services = new ArrayList<LocalInventory.Service>();
    for (InventoryService s : inventory.getServicesList()) {
      var ports =
          s.getPortsList().stream()
              .map(p -> new LocalInventory.Port(p.getName(), p.getPort(), p.getProtocol()))
              .toList();
      services.add(
          new LocalInventory.Service(
              s.getNamespace(),
              s.getName(),
              s.getHostname(),
              ports,
              s.getLabelsMap(),
              addresses.getOrDefault(s.getNamespace() + "/" + s.getName(), List.of())));
    }
    return new LocalInventory(
        EdgeSettings.shortName(cluster),
        inventory.getNetwork(),
        inventory.getLocality().getRegion(),
        inventory.getLocality().getZone(),
        services);
  }

  private InventoryFile(String file) {
    this.fields = new YamlFields(file);
  }

  /** Parses and validates {@code text}; {@code file} names it in messages. */
  public static Inventory parse(String file, String text) throws InventoryException {
    return parseWithAddresses(file, text).inventory();
  }

  /** Parses and validates {@code text}, keeping the endpoint addresses too. */
  public static Parsed parseWithAddresses(String file, String text) throws InventoryException {
    var reader = new InventoryFile(file);
    Inventory inventory = reader.read(text);
    return new Parsed(inventory, reader.addresses, reader.allowEmpty);
  }

  private Inventory read(String text) throws InventoryException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new InventoryException(List.of(fields.file() + ": not valid YAML: " + msg));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new InventoryException(
          List.of(
              fields.file()
                  + ": the top level must be a mapping (network, locality, namespaces, services,"
                  + " gateways)"));
    }
    fields.keys("", root, TOP);
    allowEmpty = fields.bool("allowEmpty", root.get("allowEmpty"), false);
    var inv = Inventory.newBuilder();
    inv.setNetwork(fields.string("network", root.get("network"), false));
    JsonNode loc = root.get("locality");
    if (loc != null && !loc.isNull()) {
      if (!loc.isObject()) {
        fields.problem("locality", "must be a mapping {region, zone}");
      } else {
        fields.keys("locality.", loc, LOCALITY);
        var locality = Locality.newBuilder();
        locality.setRegion(fields.string("locality.region", loc.get("region"), false));
        locality.setZone(fields.string("locality.zone", loc.get("zone"), false));
        inv.setLocality(locality);
      }
    }
    var namespaces = new TreeSet<String>();
    List<JsonNode> nsList = fields.list("namespaces", root.get("namespaces"));
    for (int i = 0; i < nsList.size(); i++) {
      String ns = fields.string("namespaces[" + i + "]", nsList.get(i), true);
      if (fields.dnsLabel("namespaces[" + i + "]", ns)) {
        namespaces.add(ns);
      }
    }
    List<JsonNode> services = fields.list("services", root.get("services"));
    var seen = new TreeSet<String>();
    for (int i = 0; i < services.size(); i++) {
      InventoryService s = service("services[" + i + "]", services.get(i));
      if (s != null) {
        if (!seen.add(s.getNamespace() + "/" + s.getName())) {
          fields.problem(
              "services[" + i + "]",
              "service " + s.getNamespace() + "/" + s.getName() + " is listed twice");
        }
        namespaces.add(s.getNamespace());
        inv.addServices(s);
      }
    }
    List<JsonNode> gateways = fields.list("gateways", root.get("gateways"));
    for (int i = 0; i < gateways.size(); i++) {
      InventoryGateway g = gateway("gateways[" + i + "]", gateways.get(i));
      if (g != null) {
        namespaces.add(g.getNamespace());
        inv.addGateways(g);
      }
    }
    namespaces.remove("");
    inv.addAllNamespaces(namespaces);
    JsonNode istio = root.get("istio");
    if (istio != null && !istio.isNull()) {
      inv.setIstio(InventoryIstio.read(fields, istio));
    }
    if (!fields.problems().isEmpty()) {
      throw new InventoryException(fields.problems());
    }
    return inv.build();
  }

  private InventoryService service(String at, JsonNode n) {
    if (!n.isObject()) {
      fields.problem(at, "must be a mapping {namespace, name, ports, ...}");
      return null;
    }
    fields.keys(at + ".", n, SERVICE);
    var s = InventoryService.newBuilder();
    String ns = fields.string(at + ".namespace", n.get("namespace"), true);
    String name = fields.string(at + ".name", n.get("name"), true);
    fields.dnsLabel(at + ".namespace", ns);
    fields.dnsLabel(at + ".name", name);
    s.setNamespace(ns).setName(name);
    String hostname = fields.string(at + ".hostname", n.get("hostname"), false);
    s.setHostname(hostname.isEmpty() ? name + "." + ns + ".svc.cluster.local" : hostname);
    List<JsonNode> ports = fields.list(at + ".ports", n.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      InventoryPort p = port(at + ".ports[" + i + "]", ports.get(i));
      if (p != null) {
        s.addPorts(p);
      }
    }
    s.putAllLabels(fields.labels(at + ".labels", n.get("labels")));
    long endpoints = fields.count(at + ".endpoints", n.get("endpoints"), 0);
    long healthy = fields.count(at + ".healthyEndpoints", n.get("healthyEndpoints"), endpoints);
    JsonNode addressList = n.get("addresses");
    if (addressList != null && !addressList.isNull()) {
      List<LocalInventory.Endpoint> eps =
          InventoryAddresses.read(fields, at + ".addresses", addressList, s.getPortsList());
      long given = eps.size();
      long givenHealthy = eps.stream().filter(LocalInventory.Endpoint::healthy).count();
      if (n.hasNonNull("endpoints") && endpoints != given) {
        fields.problem(
            at + ".endpoints",
            endpoints
                + " differs from the "
                + given
                + " addresses listed (leave it out: it is counted)");
      }
      if (n.hasNonNull("healthyEndpoints") && healthy != givenHealthy) {
        fields.problem(
            at + ".healthyEndpoints",
            healthy
                + " differs from the "
                + givenHealthy
                + " healthy addresses listed (leave it out: it is counted)");
      }
      endpoints = given;
      healthy = givenHealthy;
      addresses.put(ns + "/" + name, eps);
    }
    if (healthy > endpoints) {
      fields.problem(
          at + ".healthyEndpoints", healthy + " is more than endpoints (" + endpoints + ")");
    }
    s.setEndpoints((int) Math.max(0, Math.min(endpoints, Integer.MAX_VALUE)));
    s.setHealthyEndpoints((int) Math.max(0, Math.min(healthy, Integer.MAX_VALUE)));
    return s.build();
  }

  private InventoryGateway gateway(String at, JsonNode n) {
    if (!n.isObject()) {
      fields.problem(at, "must be a mapping {namespace, name, role, addresses, ports}");
      return null;
    }
    fields.keys(at + ".", n, GATEWAY);
    var g = InventoryGateway.newBuilder();
    String ns = fields.string(at + ".namespace", n.get("namespace"), true);
    String name = fields.string(at + ".name", n.get("name"), true);
    fields.dnsLabel(at + ".namespace", ns);
    fields.dnsLabel(at + ".name", name);
    g.setNamespace(ns).setName(name);
    String role = fields.string(at + ".role", n.get("role"), true);
    if (!role.isEmpty() && !ROLES.contains(role)) {
      fields.problem(at + ".role", "'" + role + "' is not one of INGRESS, EAST_WEST");
    }
    g.setRole(role);
    List<JsonNode> addresses = fields.list(at + ".addresses", n.get("addresses"));
    for (int i = 0; i < addresses.size(); i++) {
      String a = fields.string(at + ".addresses[" + i + "]", addresses.get(i), true);
      if (!a.isEmpty()) {
        g.addAddresses(a);
      }
    }
    List<JsonNode> ports = fields.list(at + ".ports", n.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      InventoryPort p = port(at + ".ports[" + i + "]", ports.get(i));
      if (p != null) {
        g.addPorts(p);
      }
    }
    if (n.hasNonNull("readyEndpoints")) {
      g.setReadyEndpoints((int) fields.count(at + ".readyEndpoints", n.get("readyEndpoints"), 0));
    }
    return g.build();
  }

  private InventoryPort port(String at, JsonNode n) {
    if (!n.isObject()) {
      fields.problem(at, "must be a mapping {name, port, protocol}");
      return null;
    }
    fields.keys(at + ".", n, PORT);
    var p = InventoryPort.newBuilder();
    p.setName(fields.string(at + ".name", n.get("name"), false));
    JsonNode port = n.get("port");
    if (port == null || !port.canConvertToInt() || !port.isIntegralNumber()) {
      fields.problem(
          at + ".port", port == null ? "is required" : "'" + port.asText() + "' is not a number");
    } else if (port.asInt() < 1 || port.asInt() > 65535) {
      fields.problem(at + ".port", port.asInt() + " is not a port number (1-65535)");
    } else {
      p.setPort(port.asInt());
    }
    String protocol = fields.string(at + ".protocol", n.get("protocol"), false);
    if (protocol.isEmpty()) {
      protocol = "TCP";
    } else if (!PROTOCOLS.contains(protocol)) {
      fields.problem(
          at + ".protocol", "'" + protocol + "' is not one of " + new TreeSet<>(PROTOCOLS));
    }
    p.setProtocol(protocol);
    return p.build();
  }
}
