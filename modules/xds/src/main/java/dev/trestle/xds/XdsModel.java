package dev.trestle.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The input model of one translation (Istio's "push context"): the local inventory and the applied
 * ServiceEntry, DestinationRule and VirtualService objects turned into hosts with ports and
 * endpoints, the DestinationRule and VirtualService that apply to each host, and the clusters some
 * port or route needs. The builders read it; only {@link #cluster} adds to it after it is built.
 */
final class XdsModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One port of a host and every endpoint that serves it (local and remote). */
  record PortModel(int number, String name, String protocol, List<EndpointModel> endpoints) {}

  /** One endpoint address of a port, in locality {@code region/zone/subZone} (cluster). */
  record EndpointModel(
      String address,
      int port,
      Map<String, String> labels,
      String region,
      String zone,
      String subZone,
      int weight,
      boolean healthy) {}

  /**
   * One cluster {@code outbound|port|subset|host}: the subset's labels, the DestinationRule that
   * shapes it and the port whose endpoints it has ({@code null} for an unknown destination).
   */
  record ClusterModel(
      String name,
      String host,
      int port,
      String subset,
      Map<String, String> subsetLabels,
      JsonNode dr,
      PortModel portModel) {}

  private final LocalInventory inventory;
  private final Diagnostics diagnostics;

  /** host -> port number -> port model. */
  private final TreeMap<String, TreeMap<Integer, PortModel>> hosts = new TreeMap<>();

  private final TreeMap<String, JsonNode> destinationRules = new TreeMap<>();
  private final TreeMap<String, String> destinationRuleNames = new TreeMap<>();
  private final TreeMap<String, JsonNode> virtualServices = new TreeMap<>();
  private final TreeMap<String, String> virtualServiceNames = new TreeMap<>();

  /** namespace/name -> WorkloadEntry, for the ServiceEntries that select their endpoints. */
  private final TreeMap<String, JsonNode> workloadEntries = new TreeMap<>();

  /** cluster name -> cluster model, for every cluster some route or port needs. */
  private final TreeMap<String, ClusterModel> clusters = new TreeMap<>();

  private XdsModel(LocalInventory inventory, Diagnostics diagnostics) {
    this.inventory = inventory;
    this.diagnostics = diagnostics;
  }

  /**
   * The model of {@code inventory} and {@code objectJsons} (canonical Kubernetes JSON, any kinds);
   * what cannot be used goes to {@code diagnostics}.
   */
  static XdsModel of(
      LocalInventory inventory, Collection<String> objectJsons, Diagnostics diagnostics) {
    var model = new XdsModel(inventory, diagnostics);
    TreeMap<String, JsonNode> objects = model.istioObjects(objectJsons);
    model.addLocalServices();
    for (JsonNode o : objects.values()) {
      switch (o.path("kind").asText()) {
        case "ServiceEntry" -> model.addServiceEntry(o);
        case "DestinationRule" -> model.addDestinationRule(o);
        case "VirtualService" -> model.addVirtualService(o);
        default -> {}
      }
    }
    return model;
  }

  LocalInventory inventory() {
    return inventory;
  }

  /** host -> port number -> port, both sorted. */
  NavigableMap<String, TreeMap<Integer, PortModel>> hosts() {
    return Collections.unmodifiableNavigableMap(hosts);
  }

  /** True when {@code host} has port {@code port} (a local service's or a ServiceEntry's). */
  boolean hasPort(String host, int port) {
    var ports = hosts.get(host);
    return ports != null && ports.containsKey(port);
  }

  /** The mesh VirtualService for {@code host}, or {@code null}. */
  JsonNode virtualServiceFor(String host) {
    return virtualServices.get(host);
  }

  /** The clusters registered so far, sorted by name. */
  Collection<ClusterModel> clusters() {
    return Collections.unmodifiableCollection(clusters.values());
  }

  /** The ServiceEntry, DestinationRule and VirtualService objects, by kind then namespace/name. */
  private TreeMap<String, JsonNode> istioObjects(Collection<String> objectJsons) {
    TreeMap<String, JsonNode> objects = new TreeMap<>();
    for (String json : objectJsons) {
      JsonNode n;
      try {
        n = JSON.readTree(json);
      } catch (IOException e) {
        diagnostics.add("an object is not JSON; ignored");
        continue;
      }
      if (n == null
          || !n.isObject()
          || !n.path("apiVersion").asText().startsWith("networking.istio.io/")) {
        continue;
      }
      String kind = n.path("kind").asText();
      String ns = n.path("metadata").path("namespace").asText();
      String name = n.path("metadata").path("name").asText();
      // Deterministic: first by kind (ServiceEntry first), then namespace/name.
      int rank =
          switch (kind) {
            case "ServiceEntry" -> 0;
            case "DestinationRule" -> 1;
            case "VirtualService" -> 2;
            default -> -1;
          };
      if (rank >= 0) {
        objects.put(rank + " " + ns + "/" + name, n);
      } else if (kind.equals("WorkloadEntry")) {
        workloadEntries.put(ns + "/" + name, n);
      }
    }
    return objects;
  }

  private PortModel port(String host, int number, String name, String protocol) {
    var ports = hosts.computeIfAbsent(host, h -> new TreeMap<>());
    return ports.computeIfAbsent(
        number, n -> new PortModel(number, name, protocol, new ArrayList<>()));
  }

  private void addLocalServices() {
    var services = new ArrayList<>(inventory.services());
    services.sort((a, b) -> a.hostname().compareTo(b.hostname()));
    for (LocalInventory.Service s : services) {
      for (LocalInventory.Port p : s.ports()) {
        PortModel pm = port(s.hostname(), p.number(), p.name(), p.protocol());
        for (LocalInventory.Endpoint e : s.endpoints()) {
          var labels = new TreeMap<>(s.labels());
          labels.putAll(e.labels());
          labels.putIfAbsent(XdsTranslator.CLUSTER_LABEL, inventory.cluster());
          pm.endpoints()
              .add(
                  new EndpointModel(
                      e.address(),
                      e.targetPort(p),
                      labels,
                      inventory.region(),
                      inventory.zone(),
                      inventory.cluster(),
                      1,
                      e.healthy()));
        }
      }
    }
  }

  private void addServiceEntry(JsonNode se) {
    String where = where(se);
    JsonNode spec = se.path("spec");
    String resolution = spec.path("resolution").asText("STATIC");
    if (!resolution.equals("STATIC") && !resolution.equals("DNS") && !resolution.isEmpty()) {
      diagnostics.add(
          where
              + ": resolution "
              + resolution
              + " is not served over xDS (only STATIC/DNS endpoints)");
    }
    String ns = se.path("metadata").path("namespace").asText();
    for (JsonNode hostNode : spec.path("hosts")) {
      String host = qualify(hostNode.asText(), ns);
      if (host.contains("*")) {
        diagnostics.add(where + ": wildcard host " + host + " is not served over xDS");
        continue;
      }
      for (JsonNode p : spec.path("ports")) {
        int number = p.path("number").asInt(0);
        if (number <= 0) {
          diagnostics.add(where + ": a port without a number; ignored");
          continue;
        }
        String name = p.path("name").asText("");
        PortModel pm = port(host, number, name, p.path("protocol").asText("TCP"));
        for (JsonNode e : endpoints(spec, ns)) {
          addServiceEntryEndpoint(where, e, number, name, pm);
        }
      }
    }
  }

  /**
   * A ServiceEntry's endpoints: its own, or with a {@code workloadSelector} the specs of the
   * WorkloadEntries of its namespace whose labels include the selector's (Istio's rule), by name.
   */
  private List<JsonNode> endpoints(JsonNode spec, String namespace) {
    JsonNode selector = spec.path("workloadSelector").path("labels");
    if (!selector.isObject()) {
      var own = new ArrayList<JsonNode>();
      spec.path("endpoints").forEach(own::add);
      return own;
    }
    var selected = new ArrayList<JsonNode>();
    for (var entry : workloadEntries.subMap(namespace + "/", namespace + "/\uffff").values()) {
      JsonNode labels = entry.path("spec").path("labels");
      boolean matches = true;
      for (var want : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
        if (!labels.path(want.getKey()).asText("\u0000").equals(want.getValue().asText())) {
          matches = false;
          break;
        }
      }
      if (matches) {
        selected.add(entry.path("spec"));
      }
    }
    return selected;
  }

  private void addServiceEntryEndpoint(
      String where, JsonNode e, int number, String name, PortModel pm) {
    String address = e.path("address").asText("");
    if (address.isEmpty()) {
      diagnostics.add(where + ": an endpoint without an address; ignored");
      return;
    }
    int target = number;
    JsonNode ports = e.path("ports");
    if (ports.has(name)) {
      target = ports.path(name).asInt(number);
    } else if (ports.has(pm.name())) {
      target = ports.path(pm.name()).asInt(number);
    }
    var labels = labels(e.path("labels"));
    String[] loc = e.path("locality").asText("").split("/", -1);
    String region = loc.length > 0 ? loc[0] : "";
    String zone = loc.length > 1 ? loc[1] : "";
    String subZone = loc.length > 2 ? loc[2] : labels.getOrDefault(XdsTranslator.CLUSTER_LABEL, "");
    int weight = e.path("weight").asInt(0) > 0 ? e.path("weight").asInt() : 1;
    pm.endpoints()
        .add(new EndpointModel(address, target, labels, region, zone, subZone, weight, true));
  }

  private void addDestinationRule(JsonNode dr) {
    String host =
        qualify(
            dr.path("spec").path("host").asText(), dr.path("metadata").path("namespace").asText());
    if (host.isEmpty()) {
      return;
    }
    if (destinationRules.containsKey(host)) {
      diagnostics.add(
          where(dr)
              + ": host "
              + host
              + " already has DestinationRule "
              + destinationRuleNames.get(host)
              + "; ignored");
      return;
    }
    destinationRules.put(host, dr);
    destinationRuleNames.put(
        host,
        dr.path("metadata").path("namespace").asText()
            + "/"
            + dr.path("metadata").path("name").asText());
  }

  private void addVirtualService(JsonNode vs) {
    JsonNode gateways = vs.path("spec").path("gateways");
    boolean mesh = gateways.isEmpty();
    for (JsonNode g : gateways) {
      mesh |= g.asText().equals("mesh");
    }
    if (!mesh) {
      return; // gateway-bound routes belong to the gateway, not to mesh clients
    }
    String ns = vs.path("metadata").path("namespace").asText();
    for (JsonNode h : vs.path("spec").path("hosts")) {
      String host = qualify(h.asText(), ns);
      if (virtualServices.containsKey(host)) {
        diagnostics.add(
            where(vs)
                + ": host "
                + host
                + " already has VirtualService "
                + virtualServiceNames.get(host)
                + "; ignored for it");
        continue;
      }
      virtualServices.put(host, vs);
      virtualServiceNames.put(host, ns + "/" + vs.path("metadata").path("name").asText());
    }
  }

  /** The DestinationRule for the host itself, else the most specific wildcard one. */
  JsonNode destinationRuleFor(String host) {
    JsonNode exact = destinationRules.get(host);
    if (exact != null) {
      return exact;
    }
    JsonNode best = null;
    int bestLength = -1;
    for (var e : destinationRules.entrySet()) {
      String h = e.getKey();
      if (h.startsWith("*") && host.endsWith(h.substring(1)) && h.length() > bestLength) {
        best = e.getValue();
        bestLength = h.length();
      }
    }
    return best;
  }

  /** A DestinationRule's subsets: name -> labels, in its order (a wildcard rule has none). */
  static Map<String, Map<String, String>> subsets(JsonNode dr) {
    var out = new LinkedHashMap<String, Map<String, String>>();
    if (dr == null || dr.path("spec").path("host").asText().startsWith("*")) {
      return out;
    }
    for (JsonNode s : dr.path("spec").path("subsets")) {
      out.putIfAbsent(s.path("name").asText(), labels(s.path("labels")));
    }
    return out;
  }

  /**
   * Registers (once) the cluster for {@code host:port} and {@code subset} ("" for the whole
   * service) and returns its name.
   */
  String cluster(String host, int port, String subset, JsonNode dr) {
    String name = clusterName(port, subset, host);
    if (!clusters.containsKey(name)) {
      var ports = hosts.get(host);
      PortModel pm = ports == null ? null : ports.get(port);
      Map<String, String> labels =
          subset.isEmpty() ? Map.of() : subsets(dr).getOrDefault(subset, Map.of());
      clusters.put(name, new ClusterModel(name, host, port, subset, labels, dr, pm));
    }
    return name;
  }

  static String clusterName(int port, String subset, String host) {
    return "outbound|" + port + "|" + subset + "|" + host;
  }

  /** {@code cart} in namespace {@code shop} is {@code cart.shop.svc.cluster.local}. */
  static String qualify(String host, String namespace) {
    if (host == null || host.isEmpty()) {
      return "";
    }
    if (!host.contains(".") && !host.equals("*") && !namespace.isEmpty()) {
      return host + "." + namespace + ".svc.cluster.local";
    }
    return host;
  }

  /** {@code Kind namespace/name} of an object, the start of its diagnostics. */
  static String where(JsonNode o) {
    return o.path("kind").asText()
        + " "
        + o.path("metadata").path("namespace").asText()
        + "/"
        + o.path("metadata").path("name").asText();
  }

  private static TreeMap<String, String> labels(JsonNode labels) {
    var out = new TreeMap<String, String>();
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      var l = it.next();
      out.put(l.getKey(), l.getValue().asText());
    }
    return out;
  }
}
