package dev.trestle.translator;

import java.util.SortedSet;

/**
 * Translates Trestle configuration into the Istio objects one cluster must run.
 *
 * <p>{@link #translate} is a pure function: no I/O, clock, randomness or map-order dependence. The
 * same snapshot and view give the same objects, in the same order, with the same bytes and hashes,
 * whatever order the resources were loaded in. Nothing is thrown for questionable configuration;
 * the translator decides (first by FQN wins on conflicts, fail closed on authorization) and reports
 * a {@link Diagnostic}.
 *
 * <h2>Placement</h2>
 *
 * A workspace covers the {@code cluster/namespace} pairs its selectors match ({@code *} for any
 * cluster or any namespace); a group covers what its own selectors match inside its workspace, or
 * everything its workspace covers when it has none. Only namespaces the cluster has count.
 *
 * <h2>Objects</h2>
 *
 * <ul>
 *   <li><b>ServiceRoute</b> (service {@code ns/name}) → a VirtualService for {@code
 *       name.ns.svc.cluster.local}: its HTTP routes in order (uri exact/prefix/regex, headers,
 *       method and port matches; destinations with subset, port and weight; timeout; retries), or
 *       one {@code default} route splitting by subset weights when it has none, plus a catch-all
 *       default split when its last route has matches. Destinations of weight 0 next to weighted
 *       ones are dropped. TCP ports get TCP routes with the subset split. A DestinationRule carries
 *       the subsets (labels) and the traffic policy.
 *   <li><b>TrafficSetting</b>: a service-specific one overrides the group-wide one of the service's
 *       namespace field by field (see {@link EffectiveTraffic}) → DestinationRule {@code
 *       trafficPolicy} (connectionPool, outlierDetection, loadBalancer simple + localityLbSetting
 *       with failover); timeout and retries go into the service's VirtualService routes that set
 *       none themselves. A service-specific setting without a ServiceRoute still gets a
 *       DestinationRule and, when it has a timeout or retries, a VirtualService with one route. A
 *       group-wide setting also becomes a DestinationRule for {@code *.ns.svc.cluster.local} in
 *       every namespace its group covers, reaching services without rules of their own (minus
 *       timeout/retries, which Istio cannot set namespace-wide).
 *   <li><b>SecuritySetting</b> → PeerAuthentication (mTLS mode; namespace-wide when it names no
 *       service, else for workloads labelled {@code app: <name>}), when it has deny rules a DENY
 *       AuthorizationPolicy, when it has a {@code jwt} policy a RequestAuthentication and DENY
 *       rules ({@link JwtTranslation}) and, when it has allow rules, an ALLOW AuthorizationPolicy.
 *       Callers named by workspace or group become the namespace names those select (in this
 *       cluster, plus literal names in any known cluster, since mesh identities carry no cluster);
 *       principals without a trust domain get the tenant's securityDomain. A rule whose callers all
 *       resolve to nothing is dropped, and a policy left without rules admits nobody: it fails
 *       closed. Istio ORs ALLOW policies, so a service-specific setting adds to a group-wide one on
 *       the same namespace rather than narrowing it.
 *   <li><b>IngressGateway</b> → a Gateway (selector, servers with port, hosts, TLS) in the
 *       gateway's namespace, and one VirtualService per routed host bound to it. A route naming a
 *       {@code serviceRoute} follows that ServiceRoute's routes and subsets. Servers with a {@code
 *       jwt} policy get its objects at the gateway pods ({@link GatewayJwtTranslation}).
 *   <li><b>Workspace</b> → a Sidecar in each namespace it covers here: the isolation boundary (see
 *       {@link SidecarTranslation}), with the outbound mode of the egress policies.
 *   <li><b>Egress</b> (workspace and group policies, EgressGateways) → ServiceEntries per allowed
 *       host and namespace and Istio's egress-gateway chain ({@link EgressTranslation}); what they
 *       let through can be judged from the output by {@link EgressReachability}.
 *   <li><b>Rate limits</b> (ServiceRoute, IngressGateway routes) → EnvoyFilters with Envoy's local
 *       and global rate-limit filters, and the rate-limit service's configuration as a ConfigMap
 *       (see {@link RateLimitTranslation}).
 *   <li><b>Wasm extensions and WAF</b> (SecuritySetting, IngressGateway) → one WasmPlugin per
 *       attachment, and one running the pinned WAF module (see {@link WasmTranslation}).
 *   <li><b>ApiDefinition</b> → routes of its gateway, from its OpenAPI document (see {@link
 *       ApiDefinitions}).
 * </ul>
 *
 * <h2>Identity of objects</h2>
 *
 * Names are {@code trestle-<base>-<8 hex of SHA-256(key)>}, DNS-1123 labels of at most 63
 * characters: per-service VirtualServices and DestinationRules are named after the service,
 * everything else after its source resource. Every object carries labels {@code
 * app.kubernetes.io/managed-by: trestle}, {@code trestle.dev/source-kind}, {@code
 * trestle.dev/tenant}, {@code trestle.dev/workspace}, and annotations {@code
 * trestle.dev/source-fqn}, {@code trestle.dev/source-version} and {@code trestle.dev/inputs} (every
 * {@code fqn@version} of a ServiceRoute, TrafficSetting, SecuritySetting or IngressGateway whose
 * content went into it, plus the Workspaces of a Sidecar, the WasmExtension of a WasmPlugin and the
 * ApiDefinitions of a gateway's VirtualServices). The Workspaces, Groups, Clusters and Tenants that
 * decide placement and resolve callers are not listed: a change to one of those may change any
 * object, so re-translate the cluster and use {@link DesiredObjects#diff}. Durations are written in
 * protobuf JSON form ({@code 0.250s}).
 */
public final class IstioTranslator {
  private IstioTranslator() {}

  public static DesiredObjects translate(ConfigSnapshot snapshot, ClusterView cluster) {
    return translate(snapshot, cluster, java.util.List.of());
  }

  /**
   * The same, plus cross-cluster routes: a ServiceEntry (and the host's DestinationRule) for each
   * remote service, see {@link CrossClusterTranslation} and docs/multicluster.md. {@code remote}
   * comes from {@link MeshCatalog#remoteServices}.
   */
  public static DesiredObjects translate(
      ConfigSnapshot snapshot,
      ClusterView cluster,
      java.util.List<MeshCatalog.RemoteService> remote) {
    return translate(snapshot, cluster, remote, WafModule.NONE);
  }

  /** The same, with the WAF module the server pins (see {@link WafModule}). */
  public static DesiredObjects translate(
      ConfigSnapshot snapshot,
      ClusterView cluster,
      java.util.List<MeshCatalog.RemoteService> remote,
      WafModule waf) {
    var emission = new Emission();
    var placement = new Placement(snapshot, cluster);
    var traffic = new TrafficIndex(snapshot, placement, emission);
    new TrafficTranslation(traffic, emission).run();
    new CrossClusterTranslation(snapshot, cluster, placement, traffic, emission).run(remote);
    new SecurityTranslation(snapshot, cluster, placement, emission).run();
    var rateLimitService = new RateLimitService(cluster, emission);
    var rateLimits = new RateLimitTranslation(traffic, rateLimitService, emission);
    rateLimits.runServiceRoutes();
    var wasm = new WasmTranslation(snapshot, placement, waf, emission);
    wasm.runSecuritySettings();
    new GatewayTranslation(
            snapshot,
            placement,
            traffic,
            new ServicePorts(cluster, remote),
            rateLimits,
            wasm,
            emission)
        .run();
    rateLimitService.emit();
    new GatewayJwtTranslation(snapshot, emission).run();
    var egress = new EgressTranslation(snapshot, cluster, placement, emission);
    egress.run();
    new SidecarTranslation(snapshot, cluster, placement, egress, emission).run();
    return emission.result(cluster.name());
  }

  /**
   * The clusters whose translation may depend on their own name: those the snapshot's workspace and
   * group selectors name literally. The translator sees a cluster's name only through placement
   * (which compares it with these names), the Cluster resource its cross-cluster ServiceEntries are
   * sourced from (only when it gets remote services) and the wording of diagnostics. So two
   * clusters not in this set, with equal views but for the name and no remote services, get the
   * same objects and set hash; a caller may translate one and reuse the objects for the other
   * (TranslatorNameIndependenceTest holds this over the examples).
   */
  public static SortedSet<String> clustersNamedBySelectors(ConfigSnapshot snapshot) {
    return Placement.clustersNamedBySelectors(snapshot);
  }

  /**
   * Whether {@code before} and {@code after}, snapshots of one organization that differ only in
   * Cluster resources, can translate a cluster that is in both differently. Cluster resources reach
   * another cluster's objects only by resolving workspace identity namespaces (a selector {@code
   * c2/payments} names callers in {@code payments} only once a cluster {@code c2} exists); when
   * those are the same, only the added or removed clusters themselves change.
   */
  public static boolean clusterSetChangeReachesOthers(ConfigSnapshot before, ConfigSnapshot after) {
    return !Placement.namespacesPickedInKnownClusters(before)
        .equals(Placement.namespacesPickedInKnownClusters(after));
  }
}
