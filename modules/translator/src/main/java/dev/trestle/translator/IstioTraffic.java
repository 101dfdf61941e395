package dev.trestle.translator;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.ConnectionPool;
import dev.trestle.protocol.v1.LocalityFailover;
import dev.trestle.protocol.v1.LocalityLoadBalancing;
import dev.trestle.protocol.v1.OutlierDetection;
import dev.trestle.protocol.v1.Retries;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsHTTPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsTCPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimpleLB;
import io.fabric8.istio.api.api.networking.v1alpha3.LocalityLoadBalancerSetting;
import io.fabric8.istio.api.api.networking.v1alpha3.LocalityLoadBalancerSettingFailover;
import io.fabric8.istio.api.api.networking.v1alpha3.PortSelector;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Trestle traffic values as fabric8 Istio networking model objects. */
final class IstioTraffic {
  private IstioTraffic() {}

  /** A normalized duration, or null (with a warning) when it does not parse or is empty. */
  static String duration(String text, String field, Consumer<String> warn) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    var normalized = Durations.normalize(text);
    if (normalized.isEmpty()) {
      warn.accept(field + ": '" + text + "' is not a duration; left out");
      return null;
    }
    return normalized.get();
  }

  static HTTPRoute httpRoute(
      MeshRoute route,
      List<HTTPMatchRequest> matches,
      String host,
      int portOverride,
      String timeoutOverride,
      Consumer<String> warn) {
    var out = new HTTPRoute();
    if (!route.name().isEmpty()) {
      out.setName(route.name());
    }
    if (!matches.isEmpty()) {
      out.setMatch(new ArrayList<>(matches));
    }
    var dests = new ArrayList<HTTPRouteDestination>();
    for (MeshRoute.Destination d : route.destinations()) {
      int port = portOverride != 0 ? portOverride : d.port();
      dests.add(destination(host, d.subset(), port, d.weight()));
    }
    out.setRoute(dests);
    String timeout = timeoutOverride != null ? timeoutOverride : route.timeout();
    out.setTimeout(duration(timeout, "timeout of route '" + route.name() + "'", warn));
    if (route.retries() != null) {
      out.setRetries(retries(route.retries(), warn));
    }
    return out;
  }

  static HTTPRouteDestination destination(String host, String subset, int port, int weight) {
    var dest = new Destination();
    dest.setHost(host);
    if (subset != null && !subset.isEmpty()) {
      dest.setSubset(subset);
    }
    if (port != 0) {
      dest.setPort(new PortSelector((long) port));
    }
    var out = new HTTPRouteDestination();
    out.setDestination(dest);
    if (weight > 0) {
      out.setWeight(weight);
    }
    return out;
  }

  /**
   * Retries as Istio's. {@code attempts: 0} with nothing else set turns retries off; with a {@code
   * perTryTimeout} or {@code retryOn} it means "not given" (proto3 cannot tell them apart) and
   * Istio's default number of attempts applies.
   */
  static HTTPRetry retries(Retries r, Consumer<String> warn) {
    var out = new HTTPRetry();
    boolean configured = !r.getPerTryTimeout().isEmpty() || r.getRetryOnCount() > 0;
    if (r.getAttempts() != 0 || !configured) {
      out.setAttempts(r.getAttempts());
    }
    out.setPerTryTimeout(duration(r.getPerTryTimeout(), "retries.perTryTimeout", warn));
    if (r.getRetryOnCount() > 0) {
      out.setRetryOn(String.join(",", r.getRetryOnList()));
    }
    return out;
  }

  /** The DestinationRule traffic policy of a setting, or null when it sets none. */
  static TrafficPolicy trafficPolicy(EffectiveTraffic t, Consumer<String> warn) {
    if (!t.hasPolicy()) {
      return null;
    }
    var out = new TrafficPolicy();
    if (t.connectionPool() != null) {
      out.setConnectionPool(connectionPool(t.connectionPool(), warn));
    }
    if (t.outlierDetection() != null) {
      out.setOutlierDetection(outlierDetection(t.outlierDetection(), warn));
    }
    if (t.loadBalancer() != null || t.localityLoadBalancing() != null) {
      var lb = new LoadBalancerSettings();
      if (t.loadBalancer() != null) {
        lb.setLbPolicy(
            new LoadBalancerSettingsSimple(
                LoadBalancerSettingsSimpleLB.valueOf(t.loadBalancer().name())));
      }
      if (t.localityLoadBalancing() != null) {
        lb.setLocalityLbSetting(locality(t.localityLoadBalancing()));
      }
      out.setLoadBalancer(lb);
    }
    return out;
  }

  private static ConnectionPoolSettings connectionPool(ConnectionPool cp, Consumer<String> warn) {
    var out = new ConnectionPoolSettings();
    if (cp.getMaxConnections() > 0 || !cp.getConnectTimeout().isEmpty()) {
      var tcp = new ConnectionPoolSettingsTCPSettings();
      if (cp.getMaxConnections() > 0) {
        tcp.setMaxConnections(cp.getMaxConnections());
      }
      tcp.setConnectTimeout(
          duration(cp.getConnectTimeout(), "connectionPool.connectTimeout", warn));
      out.setTcp(tcp);
    }
    if (cp.getHttp1MaxPendingRequests() > 0 || cp.getHttp2MaxRequests() > 0) {
      var http = new ConnectionPoolSettingsHTTPSettings();
      if (cp.getHttp1MaxPendingRequests() > 0) {
        http.setHttp1MaxPendingRequests(cp.getHttp1MaxPendingRequests());
      }
      if (cp.getHttp2MaxRequests() > 0) {
        http.setHttp2MaxRequests(cp.getHttp2MaxRequests());
      }
      out.setHttp(http);
    }
    return out;
  }

  private static io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection outlierDetection(
      OutlierDetection od, Consumer<String> warn) {
    var out = new io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection();
    if (od.getConsecutive5XxErrors() > 0) {
      out.setConsecutive5xxErrors(od.getConsecutive5XxErrors());
    }
    out.setInterval(duration(od.getInterval(), "outlierDetection.interval", warn));
    out.setBaseEjectionTime(
        duration(od.getBaseEjectionTime(), "outlierDetection.baseEjectionTime", warn));
    if (od.getMaxEjectionPercent() > 0) {
      out.setMaxEjectionPercent(od.getMaxEjectionPercent());
    }
    return out;
  }

  private static LocalityLoadBalancerSetting locality(LocalityLoadBalancing l) {
    var out = new LocalityLoadBalancerSetting();
    out.setEnabled(l.getEnabled());
    if (l.getFailoverCount() > 0) {
      var failover = new ArrayList<LocalityLoadBalancerSettingFailover>();
      for (LocalityFailover f : l.getFailoverList()) {
        failover.add(new LocalityLoadBalancerSettingFailover(f.getFrom(), f.getTo()));
      }
      out.setFailover(failover);
    }
    return out;
  }
}
