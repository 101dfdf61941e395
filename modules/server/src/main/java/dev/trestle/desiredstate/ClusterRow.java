package dev.trestle.desiredstate;

import java.util.List;
import java.util.TreeSet;

/**
 * A cluster as the projection knows it.
 *
 * @param present whether its Cluster resource exists (a row also exists for an inventory that
 *     arrived first, and stays after deletion so that versions never go back)
 * @param historyFrom the oldest version a delta can start from (change rows are kept above it)
 * @param namespaces from the latest inventory its edge reported, sorted
 * @param health the last {@code HealthChanged.to} the projection saw: UNKNOWN, HEALTHY or UNHEALTHY
 * @param inventoryJson the latest inventory (edge.proto {@code Inventory}, proto3 JSON); the
 *     service catalog's input
 * @param failingServices the services ({@code ns/name}, sorted) central's telemetry marked failing
 *     in this cluster: not routable for the others (docs/telemetry.md, "Failover by telemetry")
 */
record ClusterRow(
    String fqn,
    String org,
    boolean present,
    long version,
    String setHash,
    long historyFrom,
    List<String> namespaces,
    String health,
    String inventoryJson,
    List<String> failingServices) {

  static final String UNKNOWN = "UNKNOWN";
  static final String UNHEALTHY = "UNHEALTHY";

  ClusterRow {
    namespaces = List.copyOf(namespaces);
    health = health == null || health.isEmpty() ? UNKNOWN : health;
    inventoryJson = inventoryJson == null || inventoryJson.isEmpty() ? "{}" : inventoryJson;
    failingServices =
        failingServices == null ? List.of() : List.copyOf(new TreeSet<>(failingServices));
  }

  ClusterRow(
      String fqn,
      String org,
      boolean present,
      long version,
      String setHash,
      long historyFrom,
      List<String> namespaces,
      String health,
      String inventoryJson) {
    this(fqn, org, present, version, setHash, historyFrom, namespaces, health, inventoryJson, null);
  }

  ClusterRow(
      String fqn,
      String org,
      boolean present,
      long version,
      String setHash,
      long historyFrom,
      List<String> namespaces) {
    this(fqn, org, present, version, setHash, historyFrom, namespaces, UNKNOWN, "{}", null);
  }

  ClusterRow withPresent(boolean p) {
    return new ClusterRow(
        fqn,
        org,
        p,
        version,
        setHash,
        historyFrom,
        namespaces,
        health,
        inventoryJson,
        failingServices);
  }

  ClusterRow withNamespaces(List<String> ns) {
    return new ClusterRow(
        fqn,
        org,
        present,
        version,
        setHash,
        historyFrom,
        ns,
        health,
        inventoryJson,
        failingServices);
  }

  ClusterRow withInventory(List<String> ns, String json) {
    return new ClusterRow(
        fqn, org, present, version, setHash, historyFrom, ns, health, json, failingServices);
  }

  ClusterRow withHealth(String h) {
    return new ClusterRow(
        fqn,
        org,
        present,
        version,
        setHash,
        historyFrom,
        namespaces,
        h,
        inventoryJson,
        failingServices);
  }

  ClusterRow withVersion(long v, String hash, long from) {
    return new ClusterRow(
        fqn, org, present, v, hash, from, namespaces, health, inventoryJson, failingServices);
  }

  ClusterRow withFailingServices(List<String> services) {
    return new ClusterRow(
        fqn,
        org,
        present,
        version,
        setHash,
        historyFrom,
        namespaces,
        health,
        inventoryJson,
        services);
  }
}
