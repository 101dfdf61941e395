package dev.trestle.edgesync;

import dev.trestle.clusters.ClusterSettings;
import java.time.Duration;

/**
 * What every edge session of this node shares: where desired state is read, the heartbeat settings,
 * how long to wait for the cluster entity, meters, the node's session registry, where refusals are
 * recorded and the node's admission line.
 */
public record SessionServices(
    DesiredStateSource desired,
    ClusterSettings settings,
    Duration askTimeout,
    EdgeMetrics metrics,
    EdgeSessions sessions,
    EdgeRefusals refusals,
    EdgeAdmissions admissions) {}
