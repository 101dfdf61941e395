package dev.trestle.translator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio EnvoyFilters as generic objects (their patches are free-form Envoy configuration): one
 * filter per source and workload, built from patches. Envoy names used by several translators live
 * here.
 */
final class EnvoyFilters {
  static final String API_VERSION = "networking.istio.io/v1alpha3";
  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String ROUTER = "envoy.filters.http.router";
  static final String GATEWAY = "GATEWAY";
  static final String SIDECAR_INBOUND = "SIDECAR_INBOUND";

  private EnvoyFilters() {}

  /** An object from alternating keys and values, in that order. */
  static Map<String, Object> obj(Object... keysAndValues) {
    var out = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }

  /**
   * Inserts an HTTP filter before the router in every HTTP connection manager of {@code context}.
   */
  static Map<String, Object> httpFilterBeforeRouter(String context, Map<String, Object> filter) {
    return obj(
        "applyTo",
        "HTTP_FILTER",
        "match",
        obj(
            "context",
            context,
            "listener",
            obj("filterChain", obj("filter", obj("name", HCM, "subFilter", obj("name", ROUTER))))),
        "patch",
        obj("operation", "INSERT_BEFORE", "value", filter));
  }

  /** Merges {@code value} into one route, found by virtual host and route name. */
  static Map<String, Object> mergeIntoRoute(
      String context, String vhost, String route, Map<String, Object> value) {
    return obj(
        "applyTo",
        "HTTP_ROUTE",
        "match",
        obj(
            "context",
            context,
            "routeConfiguration",
            obj("vhost", obj("name", vhost, "route", obj("name", route)))),
        "patch",
        obj("operation", "MERGE", "value", value));
  }

  /** Merges {@code value} into every virtual host of {@code context}. */
  static Map<String, Object> mergeIntoVirtualHosts(String context, Map<String, Object> value) {
    return obj(
        "applyTo",
        "VIRTUAL_HOST",
        "match",
        obj("context", context),
        "patch",
        obj("operation", "MERGE", "value", value));
  }

  /** A typed_config: {@code @type} first, then the message's fields. */
  static Map<String, Object> typed(String type, Map<String, Object> fields) {
    var out = new LinkedHashMap<String, Object>();
    out.put("@type", "type.googleapis.com/" + type);
    out.putAll(fields);
    return out;
  }

  static GenericKubernetesResource envoyFilter(
      Provenance provenance,
      String name,
      String namespace,
      Map<String, String> workloadLabels,
      List<Map<String, Object>> patches) {
    var filter = new GenericKubernetesResource();
    filter.setApiVersion(API_VERSION);
    filter.setKind("EnvoyFilter");
    filter.setMetadata(provenance.meta(name, namespace));
    var spec = new LinkedHashMap<String, Object>();
    spec.put("workloadSelector", obj("labels", new TreeMap<>(workloadLabels)));
    spec.put("configPatches", new ArrayList<>(patches));
    filter.setAdditionalProperty("spec", spec);
    return filter;
  }
}
