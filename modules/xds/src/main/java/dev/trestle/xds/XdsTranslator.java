package dev.trestle.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Percent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pure translation {@code (local inventory, applied desired objects) -> xDS snapshot}. No I/O,
 * no clock, no randomness: the same inputs, in any order, give the same resources and version.
 *
 * <p>Services are the local inventory's services (endpoints from their addresses) and the hosts of
 * ServiceEntry objects (remote endpoints, usually east-west gateways of other clusters). For each
 * service host {@code H} and port {@code P}:
 *
 * <ul>
 *   <li>HTTP, HTTP2 and GRPC ports get a Listener named {@code H:P} (the authority of the target
 *       {@code xds:///H:P}) whose API listener is an HttpConnectionManager with the router filter
 *       and RDS (over ADS) for the RouteConfiguration of the same name;
 *   <li>the RouteConfiguration {@code H:P} has one virtual host (domains {@code H:P} and {@code H})
 *       with the routes of the VirtualService for {@code H} (matches, weighted subsets, timeouts,
 *       retries), or one default route to the whole service;
 *   <li>Clusters {@code outbound|P||H} and {@code outbound|P|<subset>|H} for every subset of the
 *       DestinationRule for {@code H}, EDS over ADS, with its load balancer, connection pool
 *       (circuit breakers, connect timeout) and outlier detection;
 *   <li>one ClusterLoadAssignment per cluster: healthy endpoints only, grouped by locality
 *       (region/zone/cluster), with priorities for failover: the edge's own locality 0, the same
 *       region next, then the regions the DestinationRule's {@code localityLbSetting.failover}
 *       names for this region, then the rest; priorities are renumbered densely over the localities
 *       that have a healthy endpoint, so traffic moves to the next priority as soon as a locality
 *       has none left.
 * </ul>
 */
public final class XdsTranslator {
  public static final String ROUTER_FILTER = "envoy.filters.http.router";
  public static final String CLUSTER_LABEL = "topology.istio.io/cluster";
  static final Set<String> HTTP_PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB");
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_RETRY_ON =
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  private final LocalInventory inventory;
  private final java.util.LinkedHashSet<String> diagnostics = new java.util.LinkedHashSet<>();

  /** host -> port number -> port model. */
  private final TreeMap<String, TreeMap<Integer, PortModel>> hosts = new TreeMap<>();

  private final TreeMap<String, JsonNode> destinationRules = new TreeMap<>();
  private final TreeMap<String, String> destinationRuleNames = new TreeMap<>();
  private final TreeMap<String, JsonNode> virtualServices = new TreeMap<>();
  private final TreeMap<String, String> virtualServiceNames = new TreeMap<>();

  /** cluster name -> cluster model, for every cluster some route or port needs. */
  private final TreeMap<String, ClusterModel> clusters = new TreeMap<>();

  private XdsTranslator(LocalInventory inventory) {
    this.inventory = inventory;
  }

  /**
   * Translates.
   *
   * @param inventory the edge's own services and their endpoint addresses
   * @param objects the applied desired objects, as canonical Kubernetes JSON (any kinds; only
   *     VirtualService, DestinationRule and ServiceEntry of {@code networking.istio.io} are used)
   */
  public static XdsSnapshot translate(LocalInventory inventory, Collection<String> objects) {
    return new XdsTranslator(inventory).run(objects);
  }

  private XdsSnapshot run(Collection<String> objectJsons) {
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
      }
    }
    addLocalServices();
    for (JsonNode o : objects.values()) {
      switch (o.path("kind").asText()) {
        case "ServiceEntry" -> addServiceEntry(o);
        case "DestinationRule" -> addDestinationRule(o);
        case "VirtualService" -> addVirtualService(o);
        default -> {}
      }
    }

    var listeners = new ArrayList<Listener>();
    var routes = new ArrayList<RouteConfiguration>();
    for (var h : hosts.entrySet()) {
      String host = h.getKey();
      JsonNode dr = destinationRuleFor(host);
      for (PortModel port : h.getValue().values()) {
        cluster(host, port.number, "", dr);
        for (String subset : subsets(dr).keySet()) {
          cluster(host, port.number, subset, dr);
        }
        if (HTTP_PROTOCOLS.contains(port.protocol.toUpperCase(Locale.ROOT))) {
          String name = host + ":" + port.number;
          listeners.add(listener(name));
          routes.add(routeConfiguration(name, host, port, dr));
        }
      }
    }
    var clusterList = new ArrayList<Cluster>();
    var loadAssignments = new ArrayList<ClusterLoadAssignment>();
    for (ClusterModel c : clusters.values()) {
      clusterList.add(buildCluster(c));
      loadAssignments.add(loadAssignment(c));
    }
    listeners.sort((a, b) -> a.getName().compareTo(b.getName()));
    routes.sort((a, b) -> a.getName().compareTo(b.getName()));
    String text = XdsSnapshot.resourcesText(listeners, routes, clusterList, loadAssignments);
    String version = sha256(text).substring(0, 16);
    return new XdsSnapshot(
        version, listeners, routes, clusterList, loadAssignments, new ArrayList<>(diagnostics));
  }

  // ---- services and endpoints ----

  private record PortModel(
      int number, String name, String protocol, List<EndpointModel> endpoints) {}

  private record EndpointModel(
      String address,
      int port,
      Map<String, String> labels,
      String region,
      String zone,
      String subZone,
      int weight,
      boolean healthy) {}

  private record ClusterModel(
      String name,
      String host,
      int port,
      String subset,
      Map<String, String> subsetLabels,
      JsonNode dr,
      PortModel portModel) {}

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
          labels.putIfAbsent(CLUSTER_LABEL, inventory.cluster());
          pm.endpoints.add(
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
        for (JsonNode e : spec.path("endpoints")) {
          String address = e.path("address").asText("");
          if (address.isEmpty()) {
            diagnostics.add(where + ": an endpoint without an address; ignored");
            continue;
          }
          int target = number;
          JsonNode ports = e.path("ports");
          if (ports.has(name)) {
            target = ports.path(name).asInt(number);
          } else if (ports.has(pm.name)) {
            target = ports.path(pm.name).asInt(number);
          }
          var labels = new TreeMap<String, String>();
          for (Iterator<Map.Entry<String, JsonNode>> it = e.path("labels").fields();
              it.hasNext(); ) {
            var l = it.next();
            labels.put(l.getKey(), l.getValue().asText());
          }
          String[] loc = e.path("locality").asText("").split("/", -1);
          String region = loc.length > 0 ? loc[0] : "";
          String zone = loc.length > 1 ? loc[1] : "";
          String subZone = loc.length > 2 ? loc[2] : labels.getOrDefault(CLUSTER_LABEL, "");
          int weight = e.path("weight").asInt(0) > 0 ? e.path("weight").asInt() : 1;
          pm.endpoints.add(
              new EndpointModel(address, target, labels, region, zone, subZone, weight, true));
        }
      }
    }
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
  private JsonNode destinationRuleFor(String host) {
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

  private static Map<String, Map<String, String>> subsets(JsonNode dr) {
    var out = new LinkedHashMap<String, Map<String, String>>();
    if (dr == null || dr.path("spec").path("host").asText().startsWith("*")) {
      return out;
    }
    for (JsonNode s : dr.path("spec").path("subsets")) {
      var labels = new TreeMap<String, String>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("labels").fields(); it.hasNext(); ) {
        var l = it.next();
        labels.put(l.getKey(), l.getValue().asText());
      }
      out.putIfAbsent(s.path("name").asText(), labels);
    }
    return out;
  }

  static String clusterName(int port, String subset, String host) {
    return "outbound|" + port + "|" + subset + "|" + host;
  }

  private String cluster(String host, int port, String subset, JsonNode dr) {
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

  // ---- listeners and routes ----

  private static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static Listener listener(String name) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(name)
            .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(name))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(ROUTER_FILTER)
                    .setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build();
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  private RouteConfiguration routeConfiguration(
      String name, String host, PortModel port, JsonNode dr) {
    var vh = VirtualHost.newBuilder().setName(name).addDomains(name).addDomains(host);
    JsonNode vs = virtualServices.get(host);
    if (vs == null || vs.path("spec").path("http").isEmpty()) {
      vh.addRoutes(
          Route.newBuilder()
              .setName("default")
              .setMatch(RouteMatch.newBuilder().setPrefix("/"))
              .setRoute(
                  RouteAction.newBuilder()
                      .setCluster(clusterName(port.number, "", host))
                      .setTimeout(Duration.getDefaultInstance())));
    } else {
      String where = where(vs);
      int i = 0;
      for (JsonNode http : vs.path("spec").path("http")) {
        String routeName = http.path("name").asText("");
        if (routeName.isEmpty()) {
          routeName = "route-" + i;
        }
        RouteAction action = routeAction(where + " http[" + i + "]", http, host, port, dr);
        i++;
        if (action == null) {
          continue;
        }
        JsonNode matches = http.path("match");
        if (matches.isEmpty()) {
          vh.addRoutes(
              Route.newBuilder()
                  .setName(routeName)
                  .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                  .setRoute(action));
          continue;
        }
        int m = 0;
        for (JsonNode match : matches) {
          RouteMatch rm =
              routeMatch(where + " http[" + (i - 1) + "].match[" + m + "]", match, port);
          m++;
          if (rm != null) {
            String n = match.path("name").asText("");
            vh.addRoutes(
                Route.newBuilder()
                    .setName(n.isEmpty() ? routeName : routeName + "/" + n)
                    .setMatch(rm)
                    .setRoute(action));
          }
        }
      }
    }
    return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
  }

  private RouteMatch routeMatch(String where, JsonNode match, PortModel port) {
    if (match.has("port") && match.path("port").asInt() != port.number) {
      return null;
    }
    var rm = RouteMatch.newBuilder();
    JsonNode uri = match.path("uri");
    if (uri.has("exact")) {
      rm.setPath(uri.path("exact").asText());
    } else if (uri.has("prefix")) {
      rm.setPrefix(uri.path("prefix").asText());
    } else if (uri.has("regex")) {
      rm.setSafeRegex(RegexMatcher.newBuilder().setRegex(uri.path("regex").asText()));
    } else {
      rm.setPrefix("/");
    }
    if (match.path("ignoreUriCase").asBoolean(false)) {
      rm.setCaseSensitive(com.google.protobuf.BoolValue.of(false));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = match.path("headers").fields();
        it.hasNext(); ) {
      var h = it.next();
      rm.addHeaders(
          HeaderMatcher.newBuilder()
              .setName(h.getKey().toLowerCase(Locale.ROOT))
              .setStringMatch(stringMatcher(h.getValue())));
    }
    if (match.has("method")) {
      rm.addHeaders(
          HeaderMatcher.newBuilder()
              .setName(":method")
              .setStringMatch(stringMatcher(match.path("method"))));
    }
    if (match.has("authority")) {
      rm.addHeaders(
          HeaderMatcher.newBuilder()
              .setName(":authority")
              .setStringMatch(stringMatcher(match.path("authority"))));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = match.path("queryParams").fields();
        it.hasNext(); ) {
      var q = it.next();
      rm.addQueryParameters(
          QueryParameterMatcher.newBuilder()
              .setName(q.getKey())
              .setStringMatch(stringMatcher(q.getValue())));
    }
    for (String unsupported :
        List.of(
            "withoutHeaders",
            "sourceLabels",
            "sourceNamespace",
            "gateways",
            "scheme",
            "statPrefix")) {
      if (match.has(unsupported)) {
        diagnostics.add(where + ": " + unsupported + " is not translated to xDS (ignored)");
      }
    }
    return rm.build();
  }

  private static StringMatcher stringMatcher(JsonNode n) {
    var sm = StringMatcher.newBuilder();
    if (n.has("exact")) {
      sm.setExact(n.path("exact").asText());
    } else if (n.has("prefix")) {
      sm.setPrefix(n.path("prefix").asText());
    } else if (n.has("regex")) {
      sm.setSafeRegex(RegexMatcher.newBuilder().setRegex(n.path("regex").asText()));
    } else {
      sm.setPrefix("");
    }
    return sm.build();
  }

  private RouteAction routeAction(
      String where, JsonNode http, String host, PortModel port, JsonNode dr) {
    for (String unsupported :
        List.of(
            "redirect",
            "directResponse",
            "delegate",
            "mirror",
            "mirrors",
            "fault",
            "corsPolicy",
            "headers")) {
      if (http.has(unsupported)) {
        diagnostics.add(where + ": " + unsupported + " is not translated to xDS (ignored)");
      }
    }
    var destinations = new ArrayList<String[]>(); // {cluster, weight}
    for (JsonNode r : http.path("route")) {
      JsonNode d = r.path("destination");
      String dHost = qualify(d.path("host").asText(), "");
      if (dHost.isEmpty()) {
        continue;
      }
      int dPort = d.path("port").path("number").asInt(0);
      if (dPort == 0) {
        var ports = hosts.get(dHost);
        if (dHost.equals(host) || ports == null || ports.containsKey(port.number)) {
          dPort = port.number;
        } else if (ports.size() == 1) {
          dPort = ports.firstKey();
        } else {
          dPort = port.number;
          diagnostics.add(
              where
                  + ": destination "
                  + dHost
                  + " has several ports and none is named; using "
                  + dPort);
        }
      }
      String subset = d.path("subset").asText("");
      JsonNode dDr = destinationRuleFor(dHost);
      if (!subset.isEmpty() && !subsets(dDr).containsKey(subset)) {
        diagnostics.add(
            where
                + ": subset "
                + subset
                + " of "
                + dHost
                + " is not defined by a DestinationRule; routing to the whole service");
        subset = "";
      }
      if (!hosts.containsKey(dHost) || !hosts.get(dHost).containsKey(dPort)) {
        diagnostics.add(
            where
                + ": destination "
                + dHost
                + ":"
                + dPort
                + " is neither a local service nor a ServiceEntry; it has no endpoints");
      }
      String cluster = cluster(dHost, dPort, subset, dDr);
      int weight = r.has("weight") ? r.path("weight").asInt() : -1;
      destinations.add(new String[] {cluster, String.valueOf(weight)});
    }
    if (destinations.isEmpty()) {
      diagnostics.add(where + ": no destination; route left out");
      return null;
    }
    var action = RouteAction.newBuilder();
    if (destinations.size() == 1) {
      action.setCluster(destinations.get(0)[0]);
    } else {
      var weighted = new ArrayList<String[]>();
      for (String[] d : destinations) {
        if (!d[1].equals("0")) {
          weighted.add(d);
        }
      }
      if (weighted.isEmpty()) {
        weighted = destinations;
      }
      if (weighted.size() == 1) {
        action.setCluster(weighted.get(0)[0]);
      } else {
        var wc = WeightedCluster.newBuilder();
        for (String[] d : weighted) {
          int w = Integer.parseInt(d[1]);
          wc.addClusters(
              WeightedCluster.ClusterWeight.newBuilder()
                  .setName(d[0])
                  .setWeight(UInt32Value.of(w > 0 ? w : 1)));
        }
        action.setWeightedClusters(wc);
      }
    }
    Duration timeout =
        http.has("timeout")
            ? duration(where + ".timeout", http.path("timeout").asText())
            : Duration.getDefaultInstance();
    action.setTimeout(timeout);
    if (http.has("timeout")) {
      action.setMaxStreamDuration(
          RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(timeout));
    }
    JsonNode retries = http.path("retries");
    if (retries.isObject() && retries.path("attempts").asInt(0) > 0) {
      var rp =
          RetryPolicy.newBuilder()
              .setRetryOn(retries.path("retryOn").asText(DEFAULT_RETRY_ON))
              .setNumRetries(UInt32Value.of(retries.path("attempts").asInt()));
      if (retries.has("perTryTimeout")) {
        rp.setPerTryTimeout(
            duration(where + ".retries.perTryTimeout", retries.path("perTryTimeout").asText()));
      }
      action.setRetryPolicy(rp);
    }
    JsonNode rewrite = http.path("rewrite");
    if (rewrite.has("uri")) {
      action.setPrefixRewrite(rewrite.path("uri").asText());
    }
    if (rewrite.has("authority")) {
      action.setHostRewriteLiteral(rewrite.path("authority").asText());
    }
    return action.build();
  }

  // ---- clusters ----

  private Cluster buildCluster(ClusterModel c) {
    var b =
        Cluster.newBuilder()
            .setName(c.name)
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(c.name))
            .setConnectTimeout(DEFAULT_CONNECT_TIMEOUT)
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    if (c.portModel != null) {
      String protocol = c.portModel.protocol.toUpperCase(Locale.ROOT);
      if (protocol.equals("GRPC") || protocol.equals("HTTP2")) {
        b.putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.pack(
                HttpProtocolOptions.newBuilder()
                    .setExplicitHttpConfig(
                        HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                    .build()));
      }
    }
    JsonNode policy = c.dr == null ? null : c.dr.path("spec").path("trafficPolicy");
    if (policy == null || !policy.isObject()) {
      return b.build();
    }
    String where = where(c.dr);
    String simple = policy.path("loadBalancer").path("simple").asText("");
    switch (simple) {
      case "", "ROUND_ROBIN", "UNSPECIFIED" -> {}
      case "LEAST_REQUEST", "LEAST_CONN" -> b.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
      default ->
          diagnostics.add(
              where
                  + ": loadBalancer.simple "
                  + simple
                  + " is served as ROUND_ROBIN (proxyless gRPC knows no other)");
    }
    if (policy.path("loadBalancer").has("consistentHash")) {
      diagnostics.add(
          where + ": loadBalancer.consistentHash is not translated to xDS (ROUND_ROBIN)");
    }
    JsonNode tcp = policy.path("connectionPool").path("tcp");
    JsonNode http = policy.path("connectionPool").path("http");
    if (tcp.has("connectTimeout")) {
      b.setConnectTimeout(
          duration(
              where + ".connectionPool.tcp.connectTimeout", tcp.path("connectTimeout").asText()));
    }
    var t = CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
    boolean anyThreshold = false;
    if (tcp.has("maxConnections")) {
      t.setMaxConnections(UInt32Value.of(tcp.path("maxConnections").asInt()));
      anyThreshold = true;
    }
    if (http.has("http1MaxPendingRequests")) {
      t.setMaxPendingRequests(UInt32Value.of(http.path("http1MaxPendingRequests").asInt()));
      anyThreshold = true;
    }
    if (http.has("http2MaxRequests")) {
      t.setMaxRequests(UInt32Value.of(http.path("http2MaxRequests").asInt()));
      anyThreshold = true;
    }
    if (http.has("maxRetries")) {
      t.setMaxRetries(UInt32Value.of(http.path("maxRetries").asInt()));
      anyThreshold = true;
    }
    if (anyThreshold) {
      b.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));
    }
    JsonNode od = policy.path("outlierDetection");
    if (od.isObject()) {
      var o = OutlierDetection.newBuilder();
      JsonNode c5xx =
          od.has("consecutive5xxErrors")
              ? od.path("consecutive5xxErrors")
              : od.path("consecutiveErrors");
      if (!c5xx.isMissingNode()) {
        int n = c5xx.asInt();
        o.setConsecutive5Xx(UInt32Value.of(n))
            .setEnforcingConsecutive5Xx(UInt32Value.of(n > 0 ? 100 : 0));
      }
      if (od.has("consecutiveGatewayErrors")) {
        int n = od.path("consecutiveGatewayErrors").asInt();
        o.setConsecutiveGatewayFailure(UInt32Value.of(n))
            .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(n > 0 ? 100 : 0));
      }
      if (od.has("splitExternalLocalOriginErrors")) {
        o.setSplitExternalLocalOriginErrors(od.path("splitExternalLocalOriginErrors").asBoolean());
      }
      if (od.has("consecutiveLocalOriginFailures")) {
        o.setConsecutiveLocalOriginFailure(
            UInt32Value.of(od.path("consecutiveLocalOriginFailures").asInt()));
      }
      if (od.has("interval")) {
        o.setInterval(duration(where + ".outlierDetection.interval", od.path("interval").asText()));
      }
      if (od.has("baseEjectionTime")) {
        o.setBaseEjectionTime(
            duration(
                where + ".outlierDetection.baseEjectionTime",
                od.path("baseEjectionTime").asText()));
      }
      if (od.has("maxEjectionPercent")) {
        o.setMaxEjectionPercent(
            UInt32Value.of(Math.min(100, Math.max(0, od.path("maxEjectionPercent").asInt()))));
      }
      o.setEnforcingSuccessRate(UInt32Value.of(0));
      b.setOutlierDetection(o);
      if (od.has("minHealthPercent")) {
        b.setCommonLbConfig(
            Cluster.CommonLbConfig.newBuilder()
                .setHealthyPanicThreshold(
                    Percent.newBuilder().setValue(od.path("minHealthPercent").asDouble())));
      }
    }
    return b.build();
  }

  private ClusterLoadAssignment loadAssignment(ClusterModel c) {
    var cla = ClusterLoadAssignment.newBuilder().setClusterName(c.name);
    if (c.portModel == null) {
      return cla.build();
    }
    JsonNode lb =
        c.dr == null
            ? null
            : c.dr
                .path("spec")
                .path("trafficPolicy")
                .path("loadBalancer")
                .path("localityLbSetting");
    boolean localityAware = lb == null || !lb.isObject() || lb.path("enabled").asBoolean(true);
    var failoverTo = new TreeSet<String>();
    if (lb != null) {
      for (JsonNode f : lb.path("failover")) {
        if (f.path("from").asText().equals(inventory.region())) {
          failoverTo.add(f.path("to").asText());
        }
      }
    }
    // locality key -> endpoints (healthy only, matching the subset)
    TreeMap<String, List<EndpointModel>> byLocality = new TreeMap<>();
    for (EndpointModel e : c.portModel.endpoints) {
      if (!e.healthy || !matches(e.labels, c.subsetLabels)) {
        continue;
      }
      byLocality
          .computeIfAbsent(e.region + "/" + e.zone + "/" + e.subZone, k -> new ArrayList<>())
          .add(e);
    }
    TreeMap<String, Integer> tier = new TreeMap<>();
    TreeSet<Integer> tiers = new TreeSet<>();
    for (var entry : byLocality.entrySet()) {
      EndpointModel first = entry.getValue().get(0);
      int t;
      if (!localityAware) {
        t = 0;
      } else if (first.region.equals(inventory.region()) && first.zone.equals(inventory.zone())) {
        t = 0;
      } else if (first.region.equals(inventory.region())) {
        t = 1;
      } else if (failoverTo.contains(first.region) || failoverTo.isEmpty()) {
        t = 2;
      } else {
        t = 3;
      }
      tier.put(entry.getKey(), t);
      tiers.add(t);
    }
    List<Integer> dense = new ArrayList<>(tiers);
    for (var entry : byLocality.entrySet()) {
      EndpointModel first = entry.getValue().get(0);
      var lle =
          LocalityLbEndpoints.newBuilder()
              .setLocality(
                  Locality.newBuilder()
                      .setRegion(first.region)
                      .setZone(first.zone)
                      .setSubZone(first.subZone))
              .setPriority(dense.indexOf(tier.get(entry.getKey())));
      int weight = 0;
      var eps = new ArrayList<>(entry.getValue());
      eps.sort((a, b) -> (a.address + ":" + a.port).compareTo(b.address + ":" + b.port));
      for (EndpointModel e : eps) {
        var lbe =
            LbEndpoint.newBuilder()
                .setEndpoint(
                    Endpoint.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress(e.address)
                                        .setPortValue(e.port))))
                .setHealthStatus(HealthStatus.HEALTHY);
        if (e.weight > 1) {
          lbe.setLoadBalancingWeight(UInt32Value.of(e.weight));
        }
        lle.addLbEndpoints(lbe);
        weight += e.weight;
      }
      lle.setLoadBalancingWeight(UInt32Value.of(Math.max(1, weight)));
      cla.addEndpoints(lle);
    }
    return cla.build();
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    for (var s : selector.entrySet()) {
      if (!s.getValue().equals(labels.get(s.getKey()))) {
        return false;
      }
    }
    return true;
  }

  // ---- helpers ----

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

  private static String where(JsonNode o) {
    return o.path("kind").asText()
        + " "
        + o.path("metadata").path("namespace").asText()
        + "/"
        + o.path("metadata").path("name").asText();
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  /** Protobuf JSON ({@code 1.500s}) or Go ({@code 1m30s}, {@code 250ms}) durations. */
  Duration duration(String where, String text) {
    String s = text.strip();
    Matcher m = DURATION_PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      BigDecimal v = new BigDecimal(m.group(1));
      BigDecimal unit =
          switch (m.group(2)) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(v.multiply(unit));
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      diagnostics.add(where + ": '" + text + "' is not a duration; using 0s");
      return Duration.getDefaultInstance();
    }
    long total = nanos.longValue();
    return Duration.newBuilder()
        .setSeconds(total / 1_000_000_000L)
        .setNanos((int) (total % 1_000_000_000L))
        .build();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
