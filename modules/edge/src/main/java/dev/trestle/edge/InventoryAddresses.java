package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.xds.LocalInventory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A service's {@code addresses} in the inventory file: its endpoints as the edge's xDS serves them
 * (they never go to central, which gets only the counts). Port overrides must name a port of the
 * service.
 */
final class InventoryAddresses {
  private static final Set<String> ADDRESS =
      Set.of("address", "port", "ports", "labels", "healthy");

  private InventoryAddresses() {}

  static List<LocalInventory.Endpoint> read(
      YamlFields fields, String at, JsonNode n, List<InventoryPort> ports) {
    var out = new ArrayList<LocalInventory.Endpoint>();
    List<JsonNode> list = fields.list(at, n);
    var portNames = new TreeSet<String>();
    ports.forEach(p -> portNames.add(p.getName()));
    for (int i = 0; i < list.size(); i++) {
      String a = at + "[" + i + "]";
      JsonNode e = list.get(i);
      if (!e.isObject()) {
        fields.problem(a, "must be a mapping {address, port, ports, labels, healthy}");
        continue;
      }
      fields.keys(a + ".", e, ADDRESS);
      String address = fields.string(a + ".address", e.get("address"), true);
      Integer port = null;
      JsonNode p = e.get("port");
      if (p != null && !p.isNull()) {
        if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
          fields.problem(a + ".port", "'" + p.asText() + "' is not a port number (1-65535)");
        } else {
          port = p.asInt();
        }
      }
      var byName = portsByName(fields, a + ".ports", e.get("ports"), portNames);
      var labels = new TreeMap<>(fields.labels(a + ".labels", e.get("labels")));
      boolean healthy = fields.bool(a + ".healthy", e.get("healthy"), true);
      if (!address.isEmpty()) {
        out.add(new LocalInventory.Endpoint(address, port, byName, labels, healthy));
      }
    }
    return out;
  }

  /** {@code ports: {service port name: target port}}. */
  private static Map<String, Integer> portsByName(
      YamlFields fields, String at, JsonNode pm, Set<String> portNames) {
    var byName = new TreeMap<String, Integer>();
    if (pm == null || pm.isNull()) {
      return byName;
    }
    if (!pm.isObject()) {
      fields.problem(at, "must be a mapping of service port name: target port");
      return byName;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = pm.fields(); it.hasNext(); ) {
      var f = it.next();
      if (!portNames.contains(f.getKey())) {
        fields.problem(at + "." + f.getKey(), "the service has no port named '" + f.getKey() + "'");
      } else if (!f.getValue().isIntegralNumber()
          || f.getValue().asInt() < 1
          || f.getValue().asInt() > 65535) {
        fields.problem(
            at + "." + f.getKey(),
            "'" + f.getValue().asText() + "' is not a port number (1-65535)");
      } else {
        byName.put(f.getKey(), f.getValue().asInt());
      }
    }
    return byName;
  }
}
