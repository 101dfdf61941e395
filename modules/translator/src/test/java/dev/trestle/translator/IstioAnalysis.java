package dev.trestle.translator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Semantic checks over emitted objects, in the spirit of {@code istioctl analyze}: what the schema
 * accepts but Istio would route wrongly. The service ports are what the cluster's view knows (its
 * inventory) plus the ports of the ServiceEntries in the output.
 *
 * <ul>
 *   <li>IST0112-class: a destination of a gateway-bound VirtualService to a service with several
 *       ports names a port (on a gateway the request's port is the listener's, no service port; in
 *       the mesh Istio takes the request's port, which is the service's, so mesh routes may omit
 *       it);
 *   <li>a destination port is a port of the service, when the service's ports are known;
 *   <li>a port match of a gateway-bound VirtualService is a port of one of its Gateways' servers,
 *       and those Gateways are in the output;
 *   <li>a ServiceEntry for a host the cluster runs names each port as the local service does (Istio
 *       joins them by name).
 * </ul>
 */
final class IstioAnalysis {
  private IstioAnalysis() {}

  static List<String> problems(DesiredObjects out, ClusterView view) {
    return problems(out.objects().stream().map(DesiredObject::tree).toList(), view);
  }

  static List<String> problems(List<JsonNode> objects, ClusterView view) {
    var problems = new ArrayList<String>();
    Map<String, Map<Integer, String>> ports = new TreeMap<>();
    view.servicePorts()
        .forEach(
            (key, list) -> {
              String[] p = key.split("/");
              var byNumber = new TreeMap<Integer, String>();
              list.forEach(port -> byNumber.put(port.number(), port.name()));
              ports.put(p[1] + "." + p[0] + "." + ServiceRef.DOMAIN, byNumber);
            });
    Map<String, Set<Integer>> gatewayPorts = new TreeMap<>();
    for (JsonNode o : objects) {
      JsonNode spec = o.path("spec");
      switch (o.path("kind").asText()) {
        case "ServiceEntry" -> {
          for (JsonNode host : spec.path("hosts")) {
            Map<Integer, String> local = ports.get(host.asText());
            var byNumber = new TreeMap<Integer, String>();
            for (JsonNode p : spec.path("ports")) {
              int number = p.path("number").asInt();
              String name = p.path("name").asText();
              byNumber.put(number, name);
              if (local != null && local.containsKey(number) && !local.get(number).equals(name)) {
                problems.add(
                    o.path("kind").asText()
                        + " "
                        + key(o)
                        + ": port "
                        + number
                        + " is named '"
                        + name
                        + "', the local service names it '"
                        + local.get(number)
                        + "'");
              }
            }
            ports.putIfAbsent(host.asText(), byNumber);
          }
        }
        case "Gateway" -> {
          var listeners = new TreeSet<Integer>();
          spec.path("servers").forEach(s -> listeners.add(s.at("/port/number").asInt()));
          gatewayPorts.put(key(o), listeners);
        }
        default -> {}
      }
    }
    for (JsonNode o : objects) {
      if (!o.path("kind").asText().equals("VirtualService")) {
        continue;
      }
      JsonNode spec = o.path("spec");
      var gateways = new ArrayList<String>();
      spec.path("gateways").forEach(g -> gateways.add(g.asText()));
      boolean gatewayBound = !gateways.isEmpty() && !gateways.contains("mesh");
      var listeners = new TreeSet<Integer>();
      for (String g : gateways) {
        if (g.equals("mesh")) {
          continue;
        }
        String qualified = g.contains("/") ? g : o.at("/metadata/namespace").asText() + "/" + g;
        Set<Integer> found = gatewayPorts.get(qualified);
        if (found == null) {
          problems.add(
              o.path("kind").asText()
                  + " "
                  + key(o)
                  + ": gateway "
                  + qualified
                  + " is not in the output");
        } else {
          listeners.addAll(found);
        }
      }
      for (JsonNode route : spec.path("http")) {
        String at =
            o.path("kind").asText() + " " + key(o) + " route '" + route.path("name").asText() + "'";
        if (gatewayBound) {
          for (JsonNode m : route.path("match")) {
            if (m.has("port") && !listeners.contains(m.path("port").asInt())) {
              problems.add(
                  at
                      + ": matches port "
                      + m.path("port").asInt()
                      + ", no listener port of its gateways "
                      + listeners);
            }
          }
        }
        for (JsonNode d : route.path("route")) {
          String host = d.at("/destination/host").asText();
          Map<Integer, String> known = ports.get(host);
          JsonNode port = d.at("/destination/port/number");
          if (known == null) {
            continue;
          }
          if (port.isMissingNode()) {
            if (gatewayBound && known.size() > 1) {
              problems.add(
                  at
                      + ": destination "
                      + host
                      + " has ports "
                      + known.keySet()
                      + " but names none");
            }
          } else if (!known.containsKey(port.asInt())) {
            problems.add(
                at + ": destination " + host + " port " + port.asInt() + " is not in " + known);
          }
        }
      }
    }
    return problems;
  }

  private static String key(JsonNode o) {
    return o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText();
  }
}
