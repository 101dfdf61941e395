package dev.trestle.desiredstate;

import java.util.List;

/**
 * A cluster as the projection knows it.
 *
 * @param present whether its Cluster resource exists (a row also exists for an inventory that
 *     arrived first, and stays after deletion so that versions never go back)
 * @param historyFrom the oldest version a delta can start from (change rows are kept above it)
 * @param namespaces from the latest inventory its edge reported, sorted
 */
record ClusterRow(
    String fqn,
    String org,
    boolean present,
    long version,
    String setHash,
    long historyFrom,
    List<String> namespaces) {

  ClusterRow {
    namespaces = List.copyOf(namespaces);
  }

  ClusterRow withPresent(boolean p) {
    return new ClusterRow(fqn, org, p, version, setHash, historyFrom, namespaces);
  }

  ClusterRow withNamespaces(List<String> ns) {
    return new ClusterRow(fqn, org, present, version, setHash, historyFrom, ns);
  }

  ClusterRow withVersion(long v, String hash, long from) {
    return new ClusterRow(fqn, org, present, v, hash, from, namespaces);
  }
}
