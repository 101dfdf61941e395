package dev.trestle.translator;

import static dev.trestle.translator.EnvoyFilters.obj;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.v1.GlobalRateLimit;
import dev.trestle.protocol.v1.RateLimitKey;
import dev.trestle.protocol.v1.RateLimitRule;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configuration of each rate-limit service (envoyproxy/ratelimit) the global limits of one
 * cluster use: per service and domain a ConfigMap in the service's namespace holding {@code
 * <domain>.yaml}, with one descriptor tree per rule (its {@code trestle-rule} entry, then its keys
 * in order, the limit on the last). Mount it as the service's runtime config directory
 * (docs/api.md, "Rate limits"). Rules are collected while sources are translated, then emitted.
 */
final class RateLimitService {
  private record Target(ServiceRef service, String domain) implements Comparable<Target> {
    @Override
    public int compareTo(Target o) {
      int c = service.compareTo(o.service);
      return c != 0 ? c : domain.compareTo(o.domain);
    }
  }

  private record Entry(String value, RateLimitRule rule) {}

  private final ClusterView view;
  private final Emission emission;
  private final SortedMap<Target, SortedMap<String, Entry>> rules = new TreeMap<>();
  private final SortedMap<Target, SortedMap<String, Resource>> sources = new TreeMap<>();

  RateLimitService(ClusterView view, Emission emission) {
    this.view = view;
    this.emission = emission;
  }

  /** The rules of one global limit, scoped by {@code scope} (see {@link RateLimitFilters}). */
  void add(Resource source, String scope, ServiceRef service, GlobalRateLimit limit) {
    var target = new Target(service, RateLimitFilters.domain(limit));
    for (RateLimitRule rule : limit.getRulesList()) {
      String value = RateLimitFilters.ruleValue(scope, rule);
      rules.computeIfAbsent(target, t -> new TreeMap<>()).put(value, new Entry(value, rule));
    }
    sources.computeIfAbsent(target, t -> new TreeMap<>()).put(Provenance.fqn(source), source);
  }

  void emit() {
    rules.forEach(
        (target, entries) -> {
          List<Resource> from = List.copyOf(sources.get(target).values());
          if (!view.hasNamespace(target.service().namespace())) {
            from.forEach(
                s ->
                    emission.warn(
                        s,
                        "rate-limit service "
                            + target.service()
                            + " is in no namespace of this cluster; its configuration is not"
                            + " emitted here"));
            return;
          }
          Provenance provenance = Provenance.of(from.get(0), from);
          var map = new ConfigMap();
          map.setMetadata(
              provenance.meta(
                  ObjectNames.name(
                      "ratelimit-" + target.domain(), target.service() + "#" + target.domain()),
                  target.service().namespace()));
          map.setData(Map.of(target.domain() + ".yaml", yaml(target.domain(), entries.values())));
          emission.emit(map, provenance);
        });
  }

  /** envoyproxy/ratelimit's configuration file of one domain. */
  private static String yaml(String domain, Collection<Entry> entries) {
    var descriptors = new ArrayList<Object>();
    for (Entry e : entries) {
      descriptors.add(
          obj(
              "key",
              RateLimitFilters.RULE_KEY,
              "value",
              e.value(),
              "descriptors",
              List.of(nested(e.rule().getKeysList(), 0, e.rule()))));
    }
    JsonNode tree = CanonicalForm.tree(obj("domain", domain, "descriptors", descriptors));
    return CanonicalForm.yaml(tree);
  }

  private static Map<String, Object> nested(List<RateLimitKey> keys, int i, RateLimitRule rule) {
    String key = RateLimitFilters.descriptorKey(keys.get(i));
    if (i == keys.size() - 1) {
      return obj(
          "key",
          key,
          "rate_limit",
          obj(
              "unit",
              rule.getUnit().name().toLowerCase(Locale.ROOT),
              "requests_per_unit",
              rule.getRequestsPerUnit()));
    }
    return obj("key", key, "descriptors", List.of(nested(keys, i + 1, rule)));
  }
}
