package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.Locality;
import dev.trestle.translator.ObjectNames;
import dev.trestle.xds.LocalInventory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
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
          "network", "locality", "namespaces", "services", "gateways", "allowEmpty", "telemetry");
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
  private static final Set<String> ADDRESS =
      Set.of("address", "port", "ports", "labels", "healthy");
  private static final Set<String> GATEWAY =
      Set.of("namespace", "name", "role", "addresses", "ports", "readyEndpoints");
  private static final Set<String> PORT = Set.of("name", "port", "protocol");

  private final String file;
  private final List<String> problems = new ArrayList<>();
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
    this.file = file;
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
      throw new InventoryException(List.of(file + ": not valid YAML: " + msg));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new InventoryException(
          List.of(
              file
                  + ": the top level must be a mapping (network, locality, namespaces, services,"
                  + " gateways)"));
    }
    keys("", root, TOP);
    JsonNode allow = root.get("allowEmpty");
    if (allow != null && !allow.isNull()) {
      if (allow.isBoolean()) {
        allowEmpty = allow.asBoolean();
      } else {
        problem("allowEmpty", "must be true or false");
      }
    }
    var inv = Inventory.newBuilder();
    inv.setNetwork(string("network", root.get("network"), false));
    JsonNode loc = root.get("locality");
    if (loc != null && !loc.isNull()) {
      if (!loc.isObject()) {
        problem("locality", "must be a mapping {region, zone}");
      } else {
        keys("locality.", loc, LOCALITY);
        var locality = Locality.newBuilder();
        locality.setRegion(string("locality.region", loc.get("region"), false));
        locality.setZone(string("locality.zone", loc.get("zone"), false));
        inv.setLocality(locality);
      }
    }
    var namespaces = new TreeSet<String>();
    List<JsonNode> nsList = list("namespaces", root.get("namespaces"));
    for (int i = 0; i < nsList.size(); i++) {
      String ns = string("namespaces[" + i + "]", nsList.get(i), true);
      if (dnsLabel("namespaces[" + i + "]", ns)) {
        namespaces.add(ns);
      }
    }
    List<JsonNode> services = list("services", root.get("services"));
    var seen = new TreeSet<String>();
    for (int i = 0; i < services.size(); i++) {
      InventoryService s = service("services[" + i + "]", services.get(i));
      if (s != null) {
        if (!seen.add(s.getNamespace() + "/" + s.getName())) {
          problem(
              "services[" + i + "]",
              "service " + s.getNamespace() + "/" + s.getName() + " is listed twice");
        }
        namespaces.add(s.getNamespace());
        inv.addServices(s);
      }
    }
    List<JsonNode> gateways = list("gateways", root.get("gateways"));
    for (int i = 0; i < gateways.size(); i++) {
      InventoryGateway g = gateway("gateways[" + i + "]", gateways.get(i));
      if (g != null) {
        namespaces.add(g.getNamespace());
        inv.addGateways(g);
      }
    }
    namespaces.remove("");
    inv.addAllNamespaces(namespaces);
    if (!problems.isEmpty()) {
      throw new InventoryException(problems);
    }
    return inv.build();
  }

  private InventoryService service(String at, JsonNode n) {
    if (!n.isObject()) {
      problem(at, "must be a mapping {namespace, name, ports, ...}");
      return null;
    }
    keys(at + ".", n, SERVICE);
    var s = InventoryService.newBuilder();
    String ns = string(at + ".namespace", n.get("namespace"), true);
    String name = string(at + ".name", n.get("name"), true);
    dnsLabel(at + ".namespace", ns);
    dnsLabel(at + ".name", name);
    s.setNamespace(ns).setName(name);
    String hostname = string(at + ".hostname", n.get("hostname"), false);
    s.setHostname(hostname.isEmpty() ? name + "." + ns + ".svc.cluster.local" : hostname);
    List<JsonNode> ports = list(at + ".ports", n.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      InventoryPort p = port(at + ".ports[" + i + "]", ports.get(i));
      if (p != null) {
        s.addPorts(p);
      }
    }
    JsonNode labels = n.get("labels");
    if (labels != null && !labels.isNull()) {
      if (!labels.isObject()) {
        problem(at + ".labels", "must be a mapping of key: value");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
          var e = it.next();
          if (!e.getValue().isValueNode() || e.getValue().isNull()) {
            problem(at + ".labels." + e.getKey(), "must be a string");
          } else {
            s.putLabels(e.getKey(), e.getValue().asText());
          }
        }
      }
    }
    long endpoints = count(at + ".endpoints", n.get("endpoints"), 0);
    long healthy = count(at + ".healthyEndpoints", n.get("healthyEndpoints"), endpoints);
    JsonNode addressList = n.get("addresses");
    if (addressList != null && !addressList.isNull()) {
      List<LocalInventory.Endpoint> eps =
          addresses(at + ".addresses", addressList, s.getPortsList());
      long given = eps.size();
      long givenHealthy = eps.stream().filter(LocalInventory.Endpoint::healthy).count();
      if (n.hasNonNull("endpoints") && endpoints != given) {
        problem(
            at + ".endpoints",
            endpoints
                + " differs from the "
                + given
                + " addresses listed (leave it out: it is counted)");
      }
      if (n.hasNonNull("healthyEndpoints") && healthy != givenHealthy) {
        problem(
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
      problem(at + ".healthyEndpoints", healthy + " is more than endpoints (" + endpoints + ")");
    }
    s.setEndpoints((int) Math.max(0, Math.min(endpoints, Integer.MAX_VALUE)));
    s.setHealthyEndpoints((int) Math.max(0, Math.min(healthy, Integer.MAX_VALUE)));
    return s.build();
  }

  private List<LocalInventory.Endpoint> addresses(
      String at, JsonNode n, List<InventoryPort> ports) {
    var out = new ArrayList<LocalInventory.Endpoint>();
    List<JsonNode> list = list(at, n);
    var portNames = new TreeSet<String>();
    ports.forEach(p -> portNames.add(p.getName()));
    for (int i = 0; i < list.size(); i++) {
      String a = at + "[" + i + "]";
      JsonNode e = list.get(i);
      if (!e.isObject()) {
        problem(a, "must be a mapping {address, port, ports, labels, healthy}");
        continue;
      }
      keys(a + ".", e, ADDRESS);
      String address = string(a + ".address", e.get("address"), true);
      Integer port = null;
      JsonNode p = e.get("port");
      if (p != null && !p.isNull()) {
        if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
          problem(a + ".port", "'" + p.asText() + "' is not a port number (1-65535)");
        } else {
          port = p.asInt();
        }
      }
      var byName = new TreeMap<String, Integer>();
      JsonNode pm = e.get("ports");
      if (pm != null && !pm.isNull()) {
        if (!pm.isObject()) {
          problem(a + ".ports", "must be a mapping of service port name: target port");
        } else {
          for (Iterator<Map.Entry<String, JsonNode>> it = pm.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!portNames.contains(f.getKey())) {
              problem(
                  a + ".ports." + f.getKey(), "the service has no port named '" + f.getKey() + "'");
            } else if (!f.getValue().isIntegralNumber()
                || f.getValue().asInt() < 1
                || f.getValue().asInt() > 65535) {
              problem(
                  a + ".ports." + f.getKey(),
                  "'" + f.getValue().asText() + "' is not a port number (1-65535)");
            } else {
              byName.put(f.getKey(), f.getValue().asInt());
            }
          }
        }
      }
      var labels = new TreeMap<String, String>();
      JsonNode ln = e.get("labels");
      if (ln != null && !ln.isNull()) {
        if (!ln.isObject()) {
          problem(a + ".labels", "must be a mapping of key: value");
        } else {
          for (Iterator<Map.Entry<String, JsonNode>> it = ln.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!f.getValue().isValueNode() || f.getValue().isNull()) {
              problem(a + ".labels." + f.getKey(), "must be a string");
            } else {
              labels.put(f.getKey(), f.getValue().asText());
            }
          }
        }
      }
      boolean healthy = true;
      JsonNode h = e.get("healthy");
      if (h != null && !h.isNull()) {
        if (!h.isBoolean()) {
          problem(a + ".healthy", "must be true or false");
        } else {
          healthy = h.asBoolean();
        }
      }
      if (!address.isEmpty()) {
        out.add(new LocalInventory.Endpoint(address, port, byName, labels, healthy));
      }
    }
    return out;
  }

  private InventoryGateway gateway(String at, JsonNode n) {
    if (!n.isObject()) {
      problem(at, "must be a mapping {namespace, name, role, addresses, ports}");
      return null;
    }
    keys(at + ".", n, GATEWAY);
    var g = InventoryGateway.newBuilder();
    String ns = string(at + ".namespace", n.get("namespace"), true);
    String name = string(at + ".name", n.get("name"), true);
    dnsLabel(at + ".namespace", ns);
    dnsLabel(at + ".name", name);
    g.setNamespace(ns).setName(name);
    String role = string(at + ".role", n.get("role"), true);
    if (!role.isEmpty() && !ROLES.contains(role)) {
      problem(at + ".role", "'" + role + "' is not one of INGRESS, EAST_WEST");
    }
    g.setRole(role);
    List<JsonNode> addresses = list(at + ".addresses", n.get("addresses"));
    for (int i = 0; i < addresses.size(); i++) {
      String a = string(at + ".addresses[" + i + "]", addresses.get(i), true);
      if (!a.isEmpty()) {
        g.addAddresses(a);
      }
    }
    List<JsonNode> ports = list(at + ".ports", n.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      InventoryPort p = port(at + ".ports[" + i + "]", ports.get(i));
      if (p != null) {
        g.addPorts(p);
      }
    }
    if (n.hasNonNull("readyEndpoints")) {
      g.setReadyEndpoints((int) count(at + ".readyEndpoints", n.get("readyEndpoints"), 0));
    }
    return g.build();
  }

  private InventoryPort port(String at, JsonNode n) {
    if (!n.isObject()) {
      problem(at, "must be a mapping {name, port, protocol}");
      return null;
    }
    keys(at + ".", n, PORT);
    var p = InventoryPort.newBuilder();
    p.setName(string(at + ".name", n.get("name"), false));
    JsonNode port = n.get("port");
    if (port == null || !port.canConvertToInt() || !port.isIntegralNumber()) {
      problem(
          at + ".port", port == null ? "is required" : "'" + port.asText() + "' is not a number");
    } else if (port.asInt() < 1 || port.asInt() > 65535) {
      problem(at + ".port", port.asInt() + " is not a port number (1-65535)");
    } else {
      p.setPort(port.asInt());
    }
    String protocol = string(at + ".protocol", n.get("protocol"), false);
    if (protocol.isEmpty()) {
      protocol = "TCP";
    } else if (!PROTOCOLS.contains(protocol)) {
      problem(at + ".protocol", "'" + protocol + "' is not one of " + new TreeSet<>(PROTOCOLS));
    }
    p.setProtocol(protocol);
    return p.build();
  }

  private long count(String at, JsonNode n, long absent) {
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isIntegralNumber() || n.asLong() < 0) {
      problem(at, "'" + n.asText() + "' is not a count (0 or more)");
      return absent;
    }
    return n.asLong();
  }

  private List<JsonNode> list(String at, JsonNode n) {
    var out = new ArrayList<JsonNode>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problem(at, "must be a list");
      return out;
    }
    n.forEach(out::add);
    return out;
  }

  private String string(String at, JsonNode n, boolean required) {
    if (n == null || n.isNull()) {
      if (required) {
        problem(at, "is required");
      }
      return "";
    }
    if (!n.isTextual()) {
      problem(at, "must be a string");
      return "";
    }
    if (required && n.asText().isBlank()) {
      problem(at, "must not be empty");
    }
    return n.asText().strip();
  }

  private boolean dnsLabel(String at, String value) {
    if (!value.isEmpty() && !ObjectNames.isDnsLabel(value)) {
      problem(at, "'" + value + "' is not a DNS-1123 label (a-z, 0-9, '-', at most 63)");
      return false;
    }
    return !value.isEmpty();
  }

  private void keys(String prefix, JsonNode n, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problem(prefix + k, "unknown field (expected one of " + new TreeSet<>(allowed) + ")");
      }
    }
  }

  private void problem(String field, String why) {
    problems.add(file + ": " + field + ": " + why);
  }
}
