package dev.trestle.desiredstate;

/**
 * One resource version in one cluster's desired state: it is an input of at least one object the
 * cluster must run, and it arrived with {@code clusterVersion} (an edge that has applied that
 * version, or a later one, runs it).
 */
public record ResourcePlacement(
    String cluster, String fqn, long resourceVersion, long clusterVersion) {}
