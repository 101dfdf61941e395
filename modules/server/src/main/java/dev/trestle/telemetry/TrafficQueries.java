package dev.trestle.telemetry;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.v1.ServiceTraffic;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.ServiceTrafficResponse;
import dev.trestle.protocol.v1.TimeRange;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopServicesResponse;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import javax.sql.DataSource;

/**
 * The telemetry queries (docs/telemetry.md, "Queries"): traffic of one service, the busiest
 * services of a scope, and the topology of a scope, each over what the caller may see ({@link
 * Visibility}). Database work runs on the blocking executor.
 */
public final class TrafficQueries {
  public static final int DEFAULT_TOP = 10;
  public static final int MAX_TOP = 1000;

  private final TelemetryStore store;
  private final VisibilityResolver visibility;
  private final TelemetrySettings settings;
  private final Executor blocking;
  private final Clock clock;

  /** The queries over the read-model database, filtered by what {@code guard} lets callers READ. */
  public static TrafficQueries create(
      DataSource dataSource,
      ResourceService resources,
      Guard guard,
      TelemetrySettings settings,
      Executor blocking,
      Clock clock) {
    return new TrafficQueries(
        new TelemetryStore(dataSource),
        new VisibilityResolver(resources, guard),
        settings,
        blocking,
        clock);
  }

  TrafficQueries(
      TelemetryStore store,
      VisibilityResolver visibility,
      TelemetrySettings settings,
      Executor blocking,
      Clock clock) {
    this.store = store;
    this.visibility = visibility;
    this.settings = settings;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** A service name as asked: {@code name}, {@code name.namespace} or an FQDN. */
  record ServiceName(String name, String namespace) {
    static ServiceName parse(String text) {
      String t = text == null ? "" : text.strip();
      if (t.isEmpty() || t.length() > 253 || !t.matches("[A-Za-z0-9.-]+")) {
        throw new ProblemException(
            Problem.invalidField(
                "service", "'" + t + "' is not a service name (name, name.namespace or FQDN)"));
      }
      String[] labels = t.split("\\.");
      return new ServiceName(labels[0], labels.length > 1 ? labels[1] : "");
    }

    boolean matches(Endpoint e) {
      return e.kind() == Endpoint.Kind.SERVICE
          && e.name().equals(name)
          && (namespace.isEmpty() || e.namespace().equals(namespace));
    }
  }

  public CompletionStage<ServiceTrafficResponse> serviceTraffic(
      ServiceTrafficRequest in, Caller caller) {
    ServiceName service;
    QueryRange range;
    try {
      service = ServiceName.parse(in.getService());
      range = range(in.getRange());
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    String cluster = in.getCluster().strip();
    return visibility
        .resolve(in.getScope(), caller)
        .thenCompose(
            v ->
                onBlocking(
                    () -> {
                      var byService =
                          totalsByDestination(
                              v,
                              range,
                              service.name(),
                              (org, dst) ->
                                  service.matches(dst)
                                      && (cluster.isEmpty() || dst.cluster().equals(cluster))
                                      && v.inScope(org, dst));
                      var out = ServiceTrafficResponse.newBuilder();
                      byService.values().forEach(t -> out.addServices(t.toProto(true)));
                      return out.build();
                    }));
  }

  public CompletionStage<TopServicesResponse> topServices(TopServicesRequest in, Caller caller) {
    QueryRange range;
    int limit;
    try {
      range = range(in.getRange());
      if (in.getLimit() > MAX_TOP) {
        throw new ProblemException(
            Problem.invalidField("limit", "must be at most " + MAX_TOP + ", was " + in.getLimit()));
      }
      limit = in.getLimit() == 0 ? DEFAULT_TOP : in.getLimit();
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    QueryRange whole = new QueryRange(range.fromS(), range.toS(), range.seconds(), range.hourly());
    return visibility
        .resolve(in.getScope(), caller)
        .thenCompose(
            v ->
                onBlocking(
                    () -> {
                      var byService = totalsByDestination(v, whole, "", v::inScope);
                      var scope = new TrafficSum();
                      byService.values().forEach(t -> scope.add(t.total));
                      var out =
                          TopServicesResponse.newBuilder()
                              .setTotal(scope.point(whole.fromS(), whole.seconds()));
                      byService.values().stream()
                          .sorted(
                              Comparator.comparingLong((ServiceTotals t) -> -t.total.requests)
                                  .thenComparing(t -> t.service.id()))
                          .limit(limit)
                          .forEach(t -> out.addServices(t.toProto(false)));
                      return out.build();
                    }));
  }

  public CompletionStage<TopologyResponse> topology(TopologyRequest in, Caller caller) {
    QueryRange range;
    try {
      range = range(in.getRange());
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    return visibility
        .resolve(in.getScope(), caller)
        .thenCompose(
            v ->
                onBlocking(
                    () -> {
                      var graph = new TopologyGraph(range.seconds());
                      eachRow(
                          v,
                          range,
                          range.seconds(),
                          "",
                          true,
                          (org, row) -> {
                            Endpoint src = Endpoint.source(row.key());
                            Endpoint dst = Endpoint.destination(row.key());
                            if (v.inScope(org, src) || v.inScope(org, dst)) {
                              graph.add(v.shown(org, src), v.shown(org, dst), row);
                            }
                          });
                      return graph.toProto();
                    }));
  }

  private interface RowSink {
    void accept(String org, TelemetryStore.Row row);
  }

  /**
   * Every summed row in {@code range} of every organization the caller sees; of a tenant's or
   * workspace's scope, only rows with a destination (or, {@code sources}, a source) that may lie in
   * it.
   */
  private void eachRow(
      Visibility v,
      QueryRange range,
      long stepS,
      String servicePrefix,
      boolean sources,
      RowSink sink)
      throws SQLException {
    for (var org : v.orgs().entrySet()) {
      for (var row :
          store.sums(
              org.getKey(),
              range.fromS(),
              range.toS(),
              stepS,
              range.hourly(),
              servicePrefix,
              ScopeNarrowing.of(org.getValue(), sources))) {
        sink.accept(org.getKey(), row);
      }
    }
  }

  /** Rows summed per destination service, of the destinations {@code keep} accepts. */
  private Map<String, ServiceTotals> totalsByDestination(
      Visibility v, QueryRange range, String servicePrefix, BiPredicate<String, Endpoint> keep)
      throws SQLException {
    Map<String, ServiceTotals> byService = new TreeMap<>();
    eachRow(
        v,
        range,
        range.stepS(),
        servicePrefix,
        false,
        (org, row) -> {
          Endpoint dst = Endpoint.destination(row.key());
          if (keep.test(org, dst)) {
            byService.computeIfAbsent(dst.id(), k -> new ServiceTotals(dst, range)).add(row);
          }
        });
    return byService;
  }

  /** Requests to a set of namespaces over a window: count, 5xx ratio and p99 (ms). */
  public record NamespaceTraffic(long requests, double errorRatio, double p99Ms) {}

  /**
   * The traffic to the services of {@code namespaces} ({@code cluster/namespace}, cluster by name)
   * of {@code org} over the whole minutes in [{@code from}, {@code to}): what a revision rollout
   * verifies a stage with (docs/upgrades.md). Central's own query: no caller, no visibility filter.
   */
  public CompletionStage<NamespaceTraffic> namespaceTraffic(
      String org, Set<String> namespaces, Instant from, Instant to) {
    long fromS = from.getEpochSecond() / 60 * 60;
    long toS = Math.max(fromS + 60, to.getEpochSecond() / 60 * 60);
    return onBlocking(
        () -> {
          var sum = new TrafficSum();
          for (var row : store.sums(org, fromS, toS, toS - fromS, false, "", ScopeNarrowing.NONE)) {
            Endpoint dst = Endpoint.destination(row.key());
            String cluster = dst.cluster().substring(dst.cluster().lastIndexOf('/') + 1);
            if (dst.kind() == Endpoint.Kind.SERVICE
                && namespaces.contains(cluster + "/" + dst.namespace())) {
              sum.add(row.key(), row.counters());
            }
          }
          return new NamespaceTraffic(
              sum.requests, sum.errorRatio(), LatencyBuckets.quantile(0.99, sum.buckets));
        });
  }

  private QueryRange range(TimeRange r) {
    try {
      return QueryRange.of(
          r, clock.instant(), settings.minuteRetention(), settings.hourRetention());
    } catch (QueryRange.Invalid e) {
      throw new ProblemException(Problem.invalidField("range", e.getMessage()));
    }
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> CompletionStage<T> onBlocking(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return work.run();
          } catch (SQLException e) {
            throw new CompletionException(
                new ProblemException(
                    Problem.of(
                        Problem.Code.UNAVAILABLE, "", "telemetry store: " + e.getMessage())));
          }
        },
        blocking);
  }

  /** One service's sums over the whole range and per slot. */
  private static final class ServiceTotals {
    final Endpoint service;
    final QueryRange range;
    final TrafficSum total = new TrafficSum();
    final List<TrafficSum> slots = new ArrayList<>();

    ServiceTotals(Endpoint service, QueryRange range) {
      this.service = service;
      this.range = range;
      for (int i = 0; i < range.slots(); i++) {
        slots.add(new TrafficSum());
      }
    }

    void add(TelemetryStore.Row row) {
      total.add(row.key(), row.counters());
      if (row.slot() >= 0 && row.slot() < slots.size()) {
        slots.get(row.slot()).add(row.key(), row.counters());
      }
    }

    ServiceTraffic toProto(boolean withPoints) {
      var b =
          ServiceTraffic.newBuilder()
              .setService(service.name())
              .setNamespace(service.namespace())
              .setCluster(service.cluster())
              .setTotal(total.point(range.fromS(), range.seconds()));
      if (withPoints && slots.size() > 1) {
        for (int i = 0; i < slots.size(); i++) {
          b.addPoints(slots.get(i).point(range.fromS() + i * range.stepS(), range.slotSeconds(i)));
        }
      }
      return b.build();
    }
  }
}
