package dev.trestle.management;

import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.TrafficSettingSpec;

/** A traffic setting: timeouts, retries, outlier detection, locality failover, pool sizes. */
final class TrafficSettingRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    TrafficSettingSpec spec = resource.getTrafficSetting();
    Placement.service(c, "spec.service", spec.getService(), false);
    c.duration("spec.timeout", spec.getTimeout());
    HttpRules.retries(c, "spec.retries", spec.getRetries());
    var od = spec.getOutlierDetection();
    if (od.getConsecutive5XxErrors() < 0) {
      c.add("spec.outlierDetection.consecutive5xxErrors", "must not be negative");
    }
    c.duration("spec.outlierDetection.interval", od.getInterval());
    c.duration("spec.outlierDetection.baseEjectionTime", od.getBaseEjectionTime());
    if (od.getMaxEjectionPercent() < 0 || od.getMaxEjectionPercent() > 100) {
      c.add("spec.outlierDetection.maxEjectionPercent", "must be between 0 and 100");
    }
    var lb = spec.getLocalityLoadBalancing();
    for (int i = 0; i < lb.getFailoverCount(); i++) {
      var f = lb.getFailover(i);
      String p = "spec.localityLoadBalancing.failover[" + i + "]";
      if (f.getFrom().isEmpty() || f.getTo().isEmpty()) {
        c.add(p, "needs both from and to regions");
      }
      c.locality(p + ".from", f.getFrom());
      c.locality(p + ".to", f.getTo());
      if (!f.getFrom().isEmpty() && f.getFrom().equals(f.getTo())) {
        c.add(p, "from and to are the same region '" + f.getFrom() + "'");
      }
    }
    if (lb.getFailoverCount() > 0 && !lb.getEnabled()) {
      c.add("spec.localityLoadBalancing.enabled", "must be true when failover rules are given");
    }
    var cp = spec.getConnectionPool();
    if (cp.getMaxConnections() < 0) {
      c.add("spec.connectionPool.maxConnections", "must not be negative");
    }
    if (cp.getHttp1MaxPendingRequests() < 0) {
      c.add("spec.connectionPool.http1MaxPendingRequests", "must not be negative");
    }
    if (cp.getHttp2MaxRequests() < 0) {
      c.add("spec.connectionPool.http2MaxRequests", "must not be negative");
    }
    c.duration("spec.connectionPool.connectTimeout", cp.getConnectTimeout());
  }

  @Override
  public void inContext(Resource resource, Checks c) {
    Placement.placed(c, "spec.service", resource.getTrafficSetting().getService());
  }
}
