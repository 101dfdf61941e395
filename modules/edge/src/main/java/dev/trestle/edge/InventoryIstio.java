package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.edge.istio.IstioFacts;
import dev.trestle.protocol.v1.IstioInventory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code istio:} section of an inventory file (docs/upgrades.md):
 *
 * <pre>
 * istio:
 *   revisions: [{name: 1-21-3, version: 1.21.3, ready: true}, {name: 1-22-1, version: 1.22.1}]
 *   tags: {stable: 1-21-3, canary: 1-22-1}
 *   namespaces: [{name: shop, rev: stable}, {name: legacy, injection: enabled}]
 *   proxies: [{revision: 1-21-3, version: 1.21.3, count: 12}]
 * </pre>
 *
 * {@code ready} defaults to true; a tag must point at a listed revision.
 */
final class InventoryIstio {
  private static final Set<String> TOP = Set.of("revisions", "tags", "namespaces", "proxies");
  private static final Set<String> REVISION = Set.of("name", "version", "ready");
  private static final Set<String> NAMESPACE = Set.of("name", "rev", "injection");
  private static final Set<String> PROXIES = Set.of("revision", "version", "count");

  private InventoryIstio() {}

  static IstioInventory read(YamlFields fields, JsonNode n) {
    if (!n.isObject()) {
      fields.problem("istio", "must be a mapping {revisions, tags, namespaces, proxies}");
      return IstioInventory.getDefaultInstance();
    }
    fields.keys("istio.", n, TOP);
    var facts = new IstioFacts();
    var revisions = new TreeSet<String>();
    List<JsonNode> list = fields.list("istio.revisions", n.get("revisions"));
    for (int i = 0; i < list.size(); i++) {
      String at = "istio.revisions[" + i + "]";
      JsonNode r = list.get(i);
      if (!r.isObject()) {
        fields.problem(at, "must be a mapping {name, version, ready}");
        continue;
      }
      fields.keys(at + ".", r, REVISION);
      String name = fields.string(at + ".name", r.get("name"), true);
      if (fields.dnsLabel(at + ".name", name) && !revisions.add(name)) {
        fields.problem(at + ".name", "revision " + name + " is listed twice");
      }
      facts.revision(
          name,
          fields.string(at + ".version", r.get("version"), false),
          fields.bool(at + ".ready", r.get("ready"), true));
    }
    for (Map.Entry<String, String> tag : fields.labels("istio.tags", n.get("tags")).entrySet()) {
      String at = "istio.tags." + tag.getKey();
      if (fields.dnsLabel(at, tag.getKey()) && !revisions.contains(tag.getValue())) {
        fields.problem(at, "points at '" + tag.getValue() + "', which is not a listed revision");
      }
      facts.tag(tag.getKey(), tag.getValue());
    }
    list = fields.list("istio.namespaces", n.get("namespaces"));
    for (int i = 0; i < list.size(); i++) {
      String at = "istio.namespaces[" + i + "]";
      JsonNode ns = list.get(i);
      if (!ns.isObject()) {
        fields.problem(at, "must be a mapping {name, rev, injection}");
        continue;
      }
      fields.keys(at + ".", ns, NAMESPACE);
      String name = fields.string(at + ".name", ns.get("name"), true);
      fields.dnsLabel(at + ".name", name);
      facts.namespace(
          name,
          fields.string(at + ".rev", ns.get("rev"), false),
          fields.string(at + ".injection", ns.get("injection"), false));
    }
    list = fields.list("istio.proxies", n.get("proxies"));
    for (int i = 0; i < list.size(); i++) {
      String at = "istio.proxies[" + i + "]";
      JsonNode p = list.get(i);
      if (!p.isObject()) {
        fields.problem(at, "must be a mapping {revision, version, count}");
        continue;
      }
      fields.keys(at + ".", p, PROXIES);
      String revision = fields.string(at + ".revision", p.get("revision"), false);
      long count = fields.count(at + ".count", p.get("count"), 0);
      facts.proxies(
          revision.isEmpty() ? IstioFacts.DEFAULT_REVISION : revision,
          fields.string(at + ".version", p.get("version"), false),
          (int) Math.min(count, Integer.MAX_VALUE));
    }
    return facts.build();
  }
}
