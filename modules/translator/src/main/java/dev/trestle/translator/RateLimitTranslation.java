package dev.trestle.translator;

import static dev.trestle.translator.EnvoyFilters.obj;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.GlobalRateLimit;
import dev.trestle.protocol.v1.RateLimit;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rate limits → EnvoyFilters. A ServiceRoute's limit applies to every request the service's own
 * proxies receive (SIDECAR_INBOUND, workloads {@code app: <name>}): the local bucket on the inbound
 * HTTP filter, global rules on every inbound virtual host. A gateway route's limit applies to that
 * route only (GATEWAY): the filters are inserted once, and each Envoy route the gateway route
 * became gets its bucket ({@code typed_per_filter_config}) or its {@code rate_limits}. Global rules
 * also go to {@link RateLimitService}.
 */
final class RateLimitTranslation {
  private static final String STAT_PREFIX = "trestle_local_rate_limit";

  /** One Envoy route of a gateway: its virtual host ({@code host:port}) and route name. */
  record EnvoyRoute(String vhost, String name) {}

  /** A rate-limited gateway route and the Envoy routes it became. */
  record LimitedRoute(String name, RateLimit limit, List<EnvoyRoute> routes) {}

  private final TrafficIndex index;
  private final RateLimitService service;
  private final Emission emission;

  RateLimitTranslation(TrafficIndex index, RateLimitService service, Emission emission) {
    this.index = index;
    this.service = service;
    this.emission = emission;
  }

  /** The limits of the ServiceRoutes in force here. */
  void runServiceRoutes() {
    for (ServiceRef ref : index.services()) {
      Optional<Resource> route = index.route(ref);
      if (route.isEmpty() || !route.get().getServiceRoute().hasRateLimit()) {
        continue;
      }
      Resource source = route.get();
      RateLimit limit = source.getServiceRoute().getRateLimit();
      Provenance provenance = Provenance.of(source);
      String scope = ObjectNames.shortHash(provenance.sourceFqn());
      var patches = new ArrayList<Map<String, Object>>();
      if (usableLocal(source, limit)) {
        patches.add(
            EnvoyFilters.httpFilterBeforeRouter(
                EnvoyFilters.SIDECAR_INBOUND,
                obj(
                    "name",
                    RateLimitFilters.LOCAL,
                    "typed_config",
                    RateLimitFilters.localConfig(STAT_PREFIX, limit.getLocal()))));
      }
      if (limit.hasGlobal()) {
        globalFilter(source, limit.getGlobal(), EnvoyFilters.SIDECAR_INBOUND)
            .ifPresent(
                filter -> {
                  patches.add(filter);
                  patches.add(
                      EnvoyFilters.mergeIntoVirtualHosts(
                          EnvoyFilters.SIDECAR_INBOUND,
                          obj(
                              "rate_limits",
                              RateLimitFilters.rateLimits(scope, limit.getGlobal()))));
                });
      }
      if (patches.isEmpty()) {
        continue;
      }
      emission.emit(
          EnvoyFilters.envoyFilter(
              provenance,
              ObjectNames.name(
                  source.getMetadata().getName() + "-ratelimit", provenance.sourceFqn()),
              ref.namespace(),
              Map.of(SecurityTranslation.WORKLOAD_LABEL, ref.name()),
              patches),
          provenance);
    }
  }

  /** The limits of one gateway's routes, as one EnvoyFilter on the gateway's workloads. */
  void gateway(
      Resource gateway,
      List<Resource> inputs,
      String namespace,
      Map<String, String> selector,
      List<LimitedRoute> limited) {
    if (limited.isEmpty()) {
      return;
    }
    Provenance provenance = Provenance.of(gateway, inputs);
    var patches = new ArrayList<Map<String, Object>>();
    boolean anyLocal = limited.stream().anyMatch(l -> usableLocal(gateway, l.limit()));
    if (anyLocal) {
      patches.add(
          EnvoyFilters.httpFilterBeforeRouter(
              EnvoyFilters.GATEWAY, RateLimitFilters.localFilter(STAT_PREFIX)));
    }
    // One rate-limit filter per proxy: the first global limit's service and domain.
    Optional<GlobalRateLimit> first =
        limited.stream()
            .filter(l -> l.limit().hasGlobal())
            .map(l -> l.limit().getGlobal())
            .findFirst();
    boolean global = false;
    if (first.isPresent()) {
      var filter = globalFilter(gateway, first.get(), EnvoyFilters.GATEWAY);
      filter.ifPresent(patches::add);
      global = filter.isPresent();
    }
    for (LimitedRoute l : limited) {
      if (l.routes().isEmpty()) {
        emission.warn(
            gateway, "route '" + l.name() + "' is rate-limited but emitted no route here");
      }
      String scope = ObjectNames.shortHash(provenance.sourceFqn() + "#" + l.name());
      var value = obj();
      if (usableLocal(gateway, l.limit())) {
        value.put(
            "typed_per_filter_config",
            obj(
                RateLimitFilters.LOCAL,
                RateLimitFilters.localConfig(STAT_PREFIX, l.limit().getLocal())));
      }
      if (l.limit().hasGlobal() && global) {
        GlobalRateLimit g = l.limit().getGlobal();
        if (!sameService(g, first.get())) {
          emission.warn(
              gateway,
              "route '"
                  + l.name()
                  + "': a gateway proxy calls one rate-limit service and domain, those of its"
                  + " first globally limited route; this route's global rules are left out");
        } else {
          value.put("route", obj("rate_limits", RateLimitFilters.rateLimits(scope, g)));
          ServiceRef.parse(g.getService()).ifPresent(s -> service.add(gateway, scope, s, g));
        }
      }
      if (value.isEmpty()) {
        continue;
      }
      for (EnvoyRoute r : l.routes()) {
        patches.add(EnvoyFilters.mergeIntoRoute(EnvoyFilters.GATEWAY, r.vhost(), r.name(), value));
      }
    }
    emission.emit(
        EnvoyFilters.envoyFilter(
            provenance,
            ObjectNames.name(
                gateway.getMetadata().getName() + "-ratelimit", provenance.sourceFqn()),
            namespace,
            selector,
            patches),
        provenance);
  }

  /**
   * Whether the limit has a local bucket Envoy accepts (the validator refuses the others; stored
   * data from before a rule existed is reported and left out rather than sent to the proxies).
   */
  private boolean usableLocal(Resource source, RateLimit limit) {
    if (!limit.hasLocal()) {
      return false;
    }
    var interval = Durations.parse(limit.getLocal().getInterval());
    if (limit.getLocal().getRequests() == 0
        || interval.isEmpty()
        || interval.get().compareTo(RateLimitFilters.MIN_FILL_INTERVAL) < 0) {
      emission.warn(
          source, "a local rate limit needs requests and an interval of at least 50ms; left out");
      return false;
    }
    return true;
  }

  private static boolean sameService(GlobalRateLimit a, GlobalRateLimit b) {
    return a.getService().equals(b.getService())
        && RateLimitFilters.port(a) == RateLimitFilters.port(b)
        && RateLimitFilters.domain(a).equals(RateLimitFilters.domain(b))
        && a.getFailClosed() == b.getFailClosed();
  }

  /** The global filter (and, for a ServiceRoute, the service's rules); empty when unusable. */
  private Optional<Map<String, Object>> globalFilter(
      Resource source, GlobalRateLimit limit, String context) {
    Optional<ServiceRef> ref = ServiceRef.parse(limit.getService());
    if (ref.isEmpty()) {
      emission.warn(
          source, "rate-limit service '" + limit.getService() + "' is not namespace/name; ignored");
      return Optional.empty();
    }
    if (context.equals(EnvoyFilters.SIDECAR_INBOUND)) {
      service.add(source, ObjectNames.shortHash(Provenance.fqn(source)), ref.get(), limit);
    }
    String cluster = RateLimitFilters.outboundCluster(ref.get(), RateLimitFilters.port(limit));
    return Optional.of(
        EnvoyFilters.httpFilterBeforeRouter(
            context, RateLimitFilters.globalFilter(limit, cluster)));
  }
}
