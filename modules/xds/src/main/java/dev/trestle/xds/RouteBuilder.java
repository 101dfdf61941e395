package dev.trestle.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.trestle.xds.XdsModel.PortModel;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RouteConfigurations: one per HTTP port {@code H:P}, a virtual host with the routes of the mesh
 * VirtualService for {@code H} (matches, weighted destinations, timeouts, retries, rewrites) or one
 * default route to the whole service. Every destination a route names is registered as a cluster in
 * the model, so the cluster builder serves it.
 */
final class RouteBuilder {
  private static final String DEFAULT_RETRY_ON =
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  private final XdsModel model;
  private final Diagnostics diagnostics;

  RouteBuilder(XdsModel model, Diagnostics diagnostics) {
    this.model = model;
    this.diagnostics = diagnostics;
  }

  RouteConfiguration routeConfiguration(String name, String host, PortModel port) {
    var vh = VirtualHost.newBuilder().setName(name).addDomains(name).addDomains(host);
    JsonNode vs = model.virtualServiceFor(host);
    if (vs == null || vs.path("spec").path("http").isEmpty()) {
      vh.addRoutes(
          Route.newBuilder()
              .setName("default")
              .setMatch(RouteMatch.newBuilder().setPrefix("/"))
              .setRoute(
                  RouteAction.newBuilder()
                      .setCluster(XdsModel.clusterName(port.number(), "", host))
                      .setTimeout(Duration.getDefaultInstance())));
    } else {
      String where = XdsModel.where(vs);
      int i = 0;
      for (JsonNode http : vs.path("spec").path("http")) {
        String routeName = http.path("name").asText("");
        if (routeName.isEmpty()) {
          routeName = "route-" + i;
        }
        String httpWhere = where + " http[" + i + "]";
        i++;
        RouteAction action = routeAction(httpWhere, http, host, port);
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
          RouteMatch rm = routeMatch(httpWhere + ".match[" + m + "]", match, port);
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

  /** The match, or {@code null} when it matches another port (left out for this one). */
  private RouteMatch routeMatch(String where, JsonNode match, PortModel port) {
    if (match.has("port") && match.path("port").asInt() != port.number()) {
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
      rm.setCaseSensitive(BoolValue.of(false));
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
    reportUnsupported(
        where,
        match,
        List.of(
            "withoutHeaders",
            "sourceLabels",
            "sourceNamespace",
            "gateways",
            "scheme",
            "statPrefix"));
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

  /** One destination of a route: its cluster and weight (-1 when the route gives none). */
  private record Destination(String cluster, int weight) {}

  /** The action, or {@code null} when the route has no destination (left out). */
  private RouteAction routeAction(String where, JsonNode http, String host, PortModel port) {
    reportUnsupported(
        where,
        http,
        List.of(
            "redirect",
            "directResponse",
            "delegate",
            "mirror",
            "mirrors",
            "fault",
            "corsPolicy",
            "headers"));
    var destinations = new ArrayList<Destination>();
    for (JsonNode r : http.path("route")) {
      Destination d = destination(where, r, host, port);
      if (d != null) {
        destinations.add(d);
      }
    }
    if (destinations.isEmpty()) {
      diagnostics.add(where + ": no destination; route left out");
      return null;
    }
    var action = RouteAction.newBuilder();
    setDestinations(action, destinations);
    Duration timeout =
        http.has("timeout")
            ? XdsDurations.parse(where + ".timeout", http.path("timeout").asText(), diagnostics)
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
            XdsDurations.parse(
                where + ".retries.perTryTimeout",
                retries.path("perTryTimeout").asText(),
                diagnostics));
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

  /** The cluster one {@code route[]} entry sends to, registered in the model; null when none. */
  private Destination destination(String where, JsonNode r, String host, PortModel port) {
    JsonNode d = r.path("destination");
    String dHost = XdsModel.qualify(d.path("host").asText(), "");
    if (dHost.isEmpty()) {
      return null;
    }
    int dPort = d.path("port").path("number").asInt(0);
    if (dPort == 0) {
      var ports = model.hosts().get(dHost);
      if (dHost.equals(host) || ports == null || ports.containsKey(port.number())) {
        dPort = port.number();
      } else if (ports.size() == 1) {
        dPort = ports.firstKey();
      } else {
        dPort = port.number();
        diagnostics.add(
            where
                + ": destination "
                + dHost
                + " has several ports and none is named; using "
                + dPort);
      }
    }
    String subset = d.path("subset").asText("");
    JsonNode dDr = model.destinationRuleFor(dHost);
    if (!subset.isEmpty() && !XdsModel.subsets(dDr).containsKey(subset)) {
      diagnostics.add(
          where
              + ": subset "
              + subset
              + " of "
              + dHost
              + " is not defined by a DestinationRule; routing to the whole service");
      subset = "";
    }
    if (!model.hasPort(dHost, dPort)) {
      diagnostics.add(
          where
              + ": destination "
              + dHost
              + ":"
              + dPort
              + " is neither a local service nor a ServiceEntry; it has no endpoints");
    }
    String cluster = model.cluster(dHost, dPort, subset, dDr);
    return new Destination(cluster, r.has("weight") ? r.path("weight").asInt() : -1);
  }

  /**
   * One destination: its cluster. Several: weighted clusters, dropping weight-0 ones next to
   * weighted ones (a weight of 0 means "no traffic" in Istio, but gRPC refuses a zero weight).
   */
  private static void setDestinations(RouteAction.Builder action, List<Destination> all) {
    if (all.size() == 1) {
      action.setCluster(all.get(0).cluster());
      return;
    }
    List<Destination> weighted = all.stream().filter(d -> d.weight() != 0).toList();
    if (weighted.isEmpty()) {
      weighted = all;
    }
    if (weighted.size() == 1) {
      action.setCluster(weighted.get(0).cluster());
      return;
    }
    var wc = WeightedCluster.newBuilder();
    for (Destination d : weighted) {
      wc.addClusters(
          WeightedCluster.ClusterWeight.newBuilder()
              .setName(d.cluster())
              .setWeight(UInt32Value.of(d.weight() > 0 ? d.weight() : 1)));
    }
    action.setWeightedClusters(wc);
  }

  private void reportUnsupported(String where, JsonNode node, List<String> fields) {
    for (String unsupported : fields) {
      if (node.has(unsupported)) {
        diagnostics.add(where + ": " + unsupported + " is not translated to xDS (ignored)");
      }
    }
  }
}
