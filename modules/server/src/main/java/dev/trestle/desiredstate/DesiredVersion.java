package dev.trestle.desiredstate;

/**
 * Where a cluster's desired state stands.
 *
 * @param known whether the cluster's Cluster resource exists; unknown clusters are at version 0
 *     with the hash of the empty set
 * @param version the per-cluster version: 0 until the first non-empty state, then +1 per change
 * @param setHash SHA-256 over every object's key and content hash (the translator's set hash)
 */
public record DesiredVersion(String cluster, boolean known, long version, String setHash) {}
