package dev.trestle.translator;

import dev.trestle.protocol.v1.ConnectionPool;
import dev.trestle.protocol.v1.LoadBalancerPolicy;
import dev.trestle.protocol.v1.LocalityLoadBalancing;
import dev.trestle.protocol.v1.OutlierDetection;
import dev.trestle.protocol.v1.Retries;
import dev.trestle.protocol.v1.TrafficSettingSpec;

/**
 * The TrafficSetting fields in force for one service: each top-level field of the service-specific
 * setting replaces the same field of the group-wide one, and fields it leaves unset fall back to
 * the group-wide one. A field is replaced whole: a service-specific {@code outlierDetection} does
 * not inherit single values from the group-wide {@code outlierDetection}. A null field is unset.
 */
record EffectiveTraffic(
    String timeout,
    Retries retries,
    OutlierDetection outlierDetection,
    LocalityLoadBalancing localityLoadBalancing,
    ConnectionPool connectionPool,
    LoadBalancerPolicy loadBalancer) {

  static final EffectiveTraffic NONE = new EffectiveTraffic(null, null, null, null, null, null);

  static EffectiveTraffic of(TrafficSettingSpec spec) {
    return NONE.overlay(spec);
  }

  /** This setting with every field {@code top} sets replaced; {@code top} may be null. */
  EffectiveTraffic overlay(TrafficSettingSpec top) {
    if (top == null) {
      return this;
    }
    boolean lbSet =
        top.getLoadBalancer() != LoadBalancerPolicy.LOAD_BALANCER_POLICY_UNSPECIFIED
            && top.getLoadBalancer() != LoadBalancerPolicy.UNRECOGNIZED;
    return new EffectiveTraffic(
        top.getTimeout().isEmpty() ? timeout : top.getTimeout(),
        top.hasRetries() ? top.getRetries() : retries,
        top.hasOutlierDetection() ? top.getOutlierDetection() : outlierDetection,
        top.hasLocalityLoadBalancing() ? top.getLocalityLoadBalancing() : localityLoadBalancing,
        top.hasConnectionPool() ? top.getConnectionPool() : connectionPool,
        lbSet ? top.getLoadBalancer() : loadBalancer);
  }

  /** True when a DestinationRule traffic policy results. */
  boolean hasPolicy() {
    return outlierDetection != null
        || localityLoadBalancing != null
        || connectionPool != null
        || loadBalancer != null;
  }

  /** Locality failover only acts when outlier detection ejects local endpoints. */
  boolean failoverWithoutOutlierDetection() {
    return localityLoadBalancing != null
        && localityLoadBalancing.getEnabled()
        && localityLoadBalancing.getFailoverCount() > 0
        && outlierDetection == null;
  }
}
