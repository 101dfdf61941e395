package dev.trestle.management;

import dev.trestle.core.Problem.Violation;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.NamespaceSelector;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.GatewayServer;
import dev.trestle.protocol.v1.GroupSpec;
import dev.trestle.protocol.v1.GroupType;
import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.HttpRoute;
import dev.trestle.protocol.v1.IngressGatewaySpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import dev.trestle.protocol.v1.Retries;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import dev.trestle.protocol.v1.ServiceRouteSpec;
import dev.trestle.protocol.v1.StringMatch;
import dev.trestle.protocol.v1.Subset;
import dev.trestle.protocol.v1.TlsMode;
import dev.trestle.protocol.v1.TrafficSettingSpec;
import dev.trestle.protocol.v1.WorkspaceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Pure validation of a resource: {@link #check} returns every violation with its field path.
 * Context-free rules always run; rules that need the ancestors (selector containment, group type)
 * or referenced resources run against the {@link ValidationContext}.
 */
public final class ResourceValidator {
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");
  private static final Set<String> SERVICE_PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "TCP");
  private static final Set<String> GATEWAY_PROTOCOLS =
      Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP");
  private static final Set<String> RETRY_ON =
      Set.of(
          "5xx",
          "gateway-error",
          "reset",
          "connect-failure",
          "retriable-4xx",
          "refused-stream",
          "retriable-status-codes",
          "cancelled",
          "deadline-exceeded",
          "internal",
          "resource-exhausted",
          "unavailable");
  private static final Pattern LOCALITY = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");

  private final List<Violation> out = new ArrayList<>();
  private final ValidationContext context;

  private ResourceValidator(ValidationContext context) {
    this.context = context;
  }

  /** Rules that need nothing but the resource. */
  public static List<Violation> checkAlone(Resource resource) {
    var v = new ResourceValidator(null);
    v.validate(resource);
    return List.copyOf(v.out);
  }

  /** Every rule, including those against ancestors and references. */
  public static List<Violation> check(Resource resource, ValidationContext context) {
    var v = new ResourceValidator(context);
    v.validate(resource);
    return List.copyOf(v.out);
  }

  /**
   * Only the rules that need the context (group type of the ancestors, selectors within the
   * workspace, services within the placement, referenced resources exist), for a document that
   * already passed {@link #checkAlone}: together the two are {@link #check}, each rule run once.
   */
  public static List<Violation> checkInContext(Resource resource, ValidationContext context) {
    var v = new ResourceValidator(context);
    v.contextRules(resource);
    return List.copyOf(v.out);
  }

  /** FQNs this resource refers to, keyed by the field path that names them. */
  public static Map<String, String> references(Resource resource) {
    var refs = new java.util.LinkedHashMap<String, String>();
    switch (resource.getSpecCase()) {
      case SECURITY_SETTING -> {
        var allow = resource.getSecuritySetting().getAllowList();
        for (int i = 0; i < allow.size(); i++) {
          var rule = allow.get(i);
          for (int j = 0; j < rule.getFromWorkspacesCount(); j++) {
            refs.put("spec.allow[" + i + "].fromWorkspaces[" + j + "]", rule.getFromWorkspaces(j));
          }
          for (int j = 0; j < rule.getFromGroupsCount(); j++) {
            refs.put("spec.allow[" + i + "].fromGroups[" + j + "]", rule.getFromGroups(j));
          }
        }
      }
      case INGRESS_GATEWAY -> {
        var routes = resource.getIngressGateway().getRoutesList();
        for (int i = 0; i < routes.size(); i++) {
          if (!routes.get(i).getServiceRoute().isEmpty()) {
            refs.put("spec.routes[" + i + "].serviceRoute", routes.get(i).getServiceRoute());
          }
        }
      }
      default -> {}
    }
    return refs;
  }

  private void add(String field, String description) {
    out.add(new Violation(field, description));
  }

  private void validate(Resource r) {
    Optional<Kind> maybeKind = Kind.byKindName(r.getKind());
    if (maybeKind.isEmpty()) {
      add("kind", "unknown kind '" + r.getKind() + "'; one of " + Kind.acceptedNames());
      return;
    }
    Kind kind = maybeKind.get();
    if (r.getSpecCase() != Resource.SpecCase.SPEC_NOT_SET && r.getSpecCase() != kind.specCase()) {
      add("spec", "holds a " + r.getSpecCase() + " spec but kind is " + kind.kindName());
      return;
    }
    metadata(kind, r.getMetadata());
    if (!out.isEmpty()) {
      return; // without a sound identity, spec rules would only add noise
    }
    if (context != null) {
      ancestry(kind);
    }
    switch (kind) {
      case ORGANIZATION, TENANT -> {}
      case WORKSPACE -> workspace(r.getWorkspace());
      case GROUP -> group(r.getGroup());
      case CLUSTER -> cluster(r.getCluster());
      case SERVICE_ROUTE -> serviceRoute(r.getServiceRoute());
      case TRAFFIC_SETTING -> trafficSetting(r.getTrafficSetting());
      case SECURITY_SETTING -> securitySetting(r.getSecuritySetting());
      case INGRESS_GATEWAY -> ingressGateway(r.getIngressGateway());
    }
    if (context != null) {
      referencesExist(r);
    }
  }

  /** The context rules alone, in the order {@link #validate} runs them. */
  private void contextRules(Resource r) {
    Kind kind = Kind.byKindName(r.getKind()).orElseThrow();
    ancestry(kind);
    switch (kind) {
      case GROUP -> withinWorkspace(parseAll(r.getGroup().getNamespaceSelectorsList()));
      case SERVICE_ROUTE -> placed("spec.service", r.getServiceRoute().getService());
      case TRAFFIC_SETTING -> placed("spec.service", r.getTrafficSetting().getService());
      case SECURITY_SETTING -> placed("spec.service", r.getSecuritySetting().getService());
      case INGRESS_GATEWAY -> {
        var routes = r.getIngressGateway().getRoutesList();
        for (int i = 0; i < routes.size(); i++) {
          placed("spec.routes[" + i + "].service", routes.get(i).getService());
        }
      }
      default -> {}
    }
    referencesExist(r);
  }

  private void referencesExist(Resource r) {
    references(r)
        .forEach(
            (path, fqn) -> {
              if (!context.existingReferences().contains(fqn)) {
                add(path, "refers to " + fqn + ", which does not exist");
              }
            });
  }

  private void metadata(Kind kind, ResourceMetadata m) {
    name("metadata.name", m.getName());
    Set<Kind> lineage = new HashSet<>(kind.lineage());
    parentName(lineage, kind, Kind.ORGANIZATION, "metadata.organization", m.getOrganization());
    parentName(lineage, kind, Kind.TENANT, "metadata.tenant", m.getTenant());
    parentName(lineage, kind, Kind.WORKSPACE, "metadata.workspace", m.getWorkspace());
    parentName(lineage, kind, Kind.GROUP, "metadata.group", m.getGroup());
    m.getLabelsMap()
        .forEach(
            (k, v) -> {
              String keyProblem = Names.labelKeyProblem(k);
              if (keyProblem != null) {
                add("metadata.labels." + k, keyProblem);
              }
              String valueProblem = Names.labelValueProblem(v);
              if (valueProblem != null) {
                add("metadata.labels." + k, valueProblem);
              }
            });
    if (m.getDescription().length() > 1024) {
      add("metadata.description", "is longer than 1024 characters");
    }
    if (m.getVersion() < 0) {
      add("metadata.version", "must not be negative");
    }
  }

  private void parentName(Set<Kind> lineage, Kind kind, Kind parent, String field, String value) {
    boolean needed = lineage.contains(parent) && kind != parent;
    if (needed) {
      String problem = Names.dnsLabelProblem(value);
      if (problem != null) {
        add(field, problem + " (a " + kind.kindName() + " lives in a " + parent.kindName() + ")");
      }
    } else if (!value.isEmpty()) {
      add(
          field,
          "must be empty: a " + kind.kindName() + " has no " + parent.kindName() + " parent");
    }
  }

  private void ancestry(Kind kind) {
    if (kind.requiredGroupType().isEmpty()) {
      return;
    }
    context
        .ancestor(Kind.GROUP)
        .ifPresent(
            group -> {
              GroupType type = ((GroupSpec) ResourceMapper.spec(group)).getType();
              GroupType needed = kind.requiredGroupType().get();
              if (type != needed) {
                add(
                    "metadata.group",
                    "group "
                        + group.fqn()
                        + " is of type "
                        + type
                        + "; a "
                        + kind.kindName()
                        + " needs a "
                        + needed
                        + " group");
              }
            });
  }

  private void name(String field, String value) {
    String problem = Names.dnsLabelProblem(value);
    if (problem != null) {
      add(field, problem);
    }
  }

  private List<NamespaceSelector> selectors(String field, List<String> texts) {
    var parsed = new ArrayList<NamespaceSelector>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      var selector = NamespaceSelector.parse(text).filter(ResourceValidator::dnsLabelParts);
      if (selector.isEmpty()) {
        add(
            field + "[" + i + "]",
            "'" + text + "' is not a selector 'cluster/namespace' (either part may be '*')");
      } else {
        parsed.add(selector.get());
      }
    }
    return parsed;
  }

  /** Each part of a selector is {@code *} or a DNS label (the parsing itself is shared). */
  private static boolean dnsLabelParts(NamespaceSelector s) {
    return (s.cluster().equals(NamespaceSelector.ANY) || Names.dnsLabelProblem(s.cluster()) == null)
        && (s.namespace().equals(NamespaceSelector.ANY)
            || Names.dnsLabelProblem(s.namespace()) == null);
  }

  private void workspace(WorkspaceSpec spec) {
    if (spec.getNamespaceSelectorsCount() == 0) {
      add("spec.namespaceSelectors", "at least one selector 'cluster/namespace' is required");
    }
    selectors("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    duplicates("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
  }

  private void group(GroupSpec spec) {
    if (spec.getType() == GroupType.GROUP_TYPE_UNSPECIFIED) {
      add("spec.type", "is required: TRAFFIC, SECURITY or GATEWAY");
    }
    var own = selectors("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    duplicates("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    if (context != null) {
      withinWorkspace(own);
    }
  }

  /** A group's own selectors lie within its workspace's. */
  private void withinWorkspace(List<NamespaceSelector> own) {
    context
        .ancestor(Kind.WORKSPACE)
        .ifPresent(
            ws -> {
              var outer =
                  ((WorkspaceSpec) ResourceMapper.spec(ws))
                      .getNamespaceSelectorsList().stream()
                          .flatMap(s -> NamespaceSelector.parse(s).stream())
                          .toList();
              for (int i = 0; i < own.size(); i++) {
                NamespaceSelector s = own.get(i);
                if (outer.stream().noneMatch(s::within)) {
                  add(
                      "spec.namespaceSelectors[" + i + "]",
                      "'"
                          + s
                          + "' is outside workspace "
                          + ws.fqn()
                          + " (selectors "
                          + outer
                          + ")");
                }
              }
            });
  }

  private void cluster(ClusterSpec spec) {
    if (!spec.getNetwork().isEmpty()) {
      name("spec.network", spec.getNetwork());
    }
    locality("spec.locality.region", spec.getLocality().getRegion());
    locality("spec.locality.zone", spec.getLocality().getZone());
    if (!spec.getLocality().getZone().isEmpty() && spec.getLocality().getRegion().isEmpty()) {
      add("spec.locality.region", "is required when a zone is given");
    }
    if (!spec.getTrustDomain().isEmpty()
        && !Names.DNS_SUBDOMAIN.matcher(spec.getTrustDomain()).matches()) {
      add("spec.trustDomain", "'" + spec.getTrustDomain() + "' is not a DNS name");
    }
  }

  private void locality(String field, String value) {
    if (!value.isEmpty() && (value.length() > 63 || !LOCALITY.matcher(value).matches())) {
      add(field, "'" + value + "' must be lowercase alphanumerics, '-', '_' or '.'");
    }
  }

  /** Checks "namespace/name" and that the namespace lies in the group's placement. */
  private void service(String field, String service, boolean required) {
    if (service.isEmpty()) {
      if (required) {
        add(field, "is required as 'namespace/name'");
      }
      return;
    }
    String[] parts = service.split("/", -1);
    if (parts.length != 2
        || Names.dnsLabelProblem(parts[0]) != null
        || Names.dnsLabelProblem(parts[1]) != null) {
      add(field, "'" + service + "' must be 'namespace/name' with DNS-1123 labels");
      return;
    }
    if (context != null) {
      placed(field, service);
    }
  }

  /** A well-formed "namespace/name" (or none) lies in a namespace the placement selects. */
  private void placed(String field, String service) {
    if (service.isEmpty()) {
      return;
    }
    String namespace = service.substring(0, service.indexOf('/'));
    List<NamespaceSelector> placement = placement();
    if (!placement.isEmpty() && placement.stream().noneMatch(s -> s.selectsNamespace(namespace))) {
      add(
          field,
          "namespace '"
              + namespace
              + "' is not selected by the group's namespace selectors "
              + placement);
    }
  }

  /** The group's selectors, or the workspace's when the group has none. */
  private List<NamespaceSelector> placement() {
    var group = context.ancestor(Kind.GROUP).map(g -> (GroupSpec) ResourceMapper.spec(g));
    if (group.isPresent() && group.get().getNamespaceSelectorsCount() > 0) {
      return parseAll(group.get().getNamespaceSelectorsList());
    }
    return context
        .ancestor(Kind.WORKSPACE)
        .map(w -> parseAll(((WorkspaceSpec) ResourceMapper.spec(w)).getNamespaceSelectorsList()))
        .orElse(List.of());
  }

  private static List<NamespaceSelector> parseAll(List<String> texts) {
    return texts.stream().flatMap(s -> NamespaceSelector.parse(s).stream()).toList();
  }

  private void serviceRoute(ServiceRouteSpec spec) {
    service("spec.service", spec.getService(), true);
    var subsetNames = new HashSet<String>();
    int weightSum = 0;
    boolean weighted = false;
    for (int i = 0; i < spec.getSubsetsCount(); i++) {
      Subset s = spec.getSubsets(i);
      String f = "spec.subsets[" + i + "]";
      name(f + ".name", s.getName());
      if (!subsetNames.add(s.getName())) {
        add(f + ".name", "duplicate subset '" + s.getName() + "'");
      }
      if (s.getLabelsCount() == 0) {
        add(f + ".labels", "at least one label is required to select the subset's pods");
      }
      s.getLabelsMap().forEach((k, v) -> labelPair(f + ".labels." + k, k, v));
      weight(f + ".weight", s.getWeight());
      weighted |= s.getWeight() > 0;
      weightSum += s.getWeight();
    }
    if (weighted && weightSum != 100) {
      add("spec.subsets", "weights sum to " + weightSum + "; they must sum to 100");
    }
    var routeNames = new HashSet<String>();
    for (int i = 0; i < spec.getHttpRoutesCount(); i++) {
      HttpRoute route = spec.getHttpRoutes(i);
      String f = "spec.httpRoutes[" + i + "]";
      if (!route.getName().isEmpty()) {
        name(f + ".name", route.getName());
        if (!routeNames.add(route.getName())) {
          add(f + ".name", "duplicate route '" + route.getName() + "'");
        }
      }
      for (int j = 0; j < route.getMatchCount(); j++) {
        match(f + ".match[" + j + "]", route.getMatch(j));
      }
      if (route.getDestinationsCount() == 0) {
        add(f + ".destinations", "at least one destination is required");
      }
      int sum = 0;
      for (int j = 0; j < route.getDestinationsCount(); j++) {
        var d = route.getDestinations(j);
        String df = f + ".destinations[" + j + "]";
        if (!d.getSubset().isEmpty() && !subsetNames.contains(d.getSubset())) {
          add(df + ".subset", "'" + d.getSubset() + "' is not one of spec.subsets " + subsetNames);
        }
        weight(df + ".weight", d.getWeight());
        port(df + ".port", d.getPort(), false);
        sum += d.getWeight();
      }
      if (route.getDestinationsCount() > 1 && sum != 100) {
        add(f + ".destinations", "weights sum to " + sum + "; they must sum to 100");
      }
      duration(f + ".timeout", route.getTimeout());
      retries(f + ".retries", route.getRetries());
    }
    var ports = new HashSet<Integer>();
    for (int i = 0; i < spec.getPortsCount(); i++) {
      var p = spec.getPorts(i);
      port("spec.ports[" + i + "].port", p.getPort(), true);
      if (!ports.add(p.getPort())) {
        add("spec.ports[" + i + "].port", "duplicate port " + p.getPort());
      }
      if (!p.getProtocol().isEmpty() && !SERVICE_PROTOCOLS.contains(p.getProtocol())) {
        add("spec.ports[" + i + "].protocol", "must be one of " + sorted(SERVICE_PROTOCOLS));
      }
    }
  }

  private void labelPair(String field, String key, String value) {
    String k = Names.labelKeyProblem(key);
    if (k != null) {
      add(field, k);
    }
    String v = Names.labelValueProblem(value);
    if (v != null) {
      add(field, v);
    }
  }

  private void match(String field, HttpMatch m) {
    if (m.hasUri()) {
      stringMatch(field + ".uri", m.getUri());
      if (m.getUri().hasPrefix() && !m.getUri().getPrefix().startsWith("/")) {
        add(field + ".uri.prefix", "must start with '/'");
      }
    }
    m.getHeadersMap().forEach((k, v) -> stringMatch(field + ".headers." + k, v));
    if (!m.getMethod().isEmpty() && !HTTP_METHODS.contains(m.getMethod())) {
      add(field + ".method", "'" + m.getMethod() + "' is not one of " + sorted(HTTP_METHODS));
    }
    port(field + ".port", m.getPort(), false);
  }

  private void stringMatch(String field, StringMatch m) {
    switch (m.getMatchCase()) {
      case MATCH_NOT_SET -> add(field, "needs one of exact, prefix or regex");
      case REGEX -> {
        try {
          Pattern.compile(m.getRegex());
        } catch (PatternSyntaxException e) {
          add(field + ".regex", "is not a valid regular expression: " + e.getDescription());
        }
      }
      default -> {}
    }
  }

  private void weight(String field, int weight) {
    if (weight < 0 || weight > 100) {
      add(field, "must be between 0 and 100, was " + weight);
    }
  }

  private void port(String field, int port, boolean required) {
    if (port == 0 && !required) {
      return;
    }
    if (port < 1 || port > 65535) {
      add(field, "must be a port between 1 and 65535, was " + Integer.toUnsignedString(port));
    }
  }

  private void duration(String field, String value) {
    if (!value.isEmpty() && Durations.parse(value).isEmpty()) {
      add(field, "'" + value + "' is not a duration like 250ms, 2s, 1.5s, 1m30s or 1h");
    }
  }

  private void retries(String field, Retries r) {
    if (r.getAttempts() < 0 || r.getAttempts() > 100) {
      add(field + ".attempts", "must be between 0 and 100");
    }
    duration(field + ".perTryTimeout", r.getPerTryTimeout());
    for (int i = 0; i < r.getRetryOnCount(); i++) {
      if (!RETRY_ON.contains(r.getRetryOn(i)) && !r.getRetryOn(i).matches("[1-5][0-9]{2}")) {
        add(
            field + ".retryOn[" + i + "]",
            "'" + r.getRetryOn(i) + "' is not one of " + sorted(RETRY_ON) + " or an HTTP status");
      }
    }
  }

  private void trafficSetting(TrafficSettingSpec spec) {
    service("spec.service", spec.getService(), false);
    duration("spec.timeout", spec.getTimeout());
    retries("spec.retries", spec.getRetries());
    var od = spec.getOutlierDetection();
    if (od.getConsecutive5XxErrors() < 0) {
      add("spec.outlierDetection.consecutive5xxErrors", "must not be negative");
    }
    duration("spec.outlierDetection.interval", od.getInterval());
    duration("spec.outlierDetection.baseEjectionTime", od.getBaseEjectionTime());
    if (od.getMaxEjectionPercent() < 0 || od.getMaxEjectionPercent() > 100) {
      add("spec.outlierDetection.maxEjectionPercent", "must be between 0 and 100");
    }
    var lb = spec.getLocalityLoadBalancing();
    for (int i = 0; i < lb.getFailoverCount(); i++) {
      var f = lb.getFailover(i);
      String p = "spec.localityLoadBalancing.failover[" + i + "]";
      if (f.getFrom().isEmpty() || f.getTo().isEmpty()) {
        add(p, "needs both from and to regions");
      }
      locality(p + ".from", f.getFrom());
      locality(p + ".to", f.getTo());
      if (!f.getFrom().isEmpty() && f.getFrom().equals(f.getTo())) {
        add(p, "from and to are the same region '" + f.getFrom() + "'");
      }
    }
    if (lb.getFailoverCount() > 0 && !lb.getEnabled()) {
      add("spec.localityLoadBalancing.enabled", "must be true when failover rules are given");
    }
    var cp = spec.getConnectionPool();
    if (cp.getMaxConnections() < 0) {
      add("spec.connectionPool.maxConnections", "must not be negative");
    }
    if (cp.getHttp1MaxPendingRequests() < 0) {
      add("spec.connectionPool.http1MaxPendingRequests", "must not be negative");
    }
    if (cp.getHttp2MaxRequests() < 0) {
      add("spec.connectionPool.http2MaxRequests", "must not be negative");
    }
    duration("spec.connectionPool.connectTimeout", cp.getConnectTimeout());
  }

  private void securitySetting(SecuritySettingSpec spec) {
    service("spec.service", spec.getService(), false);
    for (int i = 0; i < spec.getAllowCount(); i++) {
      AuthorizationRule rule = spec.getAllow(i);
      String f = "spec.allow[" + i + "]";
      if (!rule.getName().isEmpty()) {
        name(f + ".name", rule.getName());
      }
      fqnsOfKind(f + ".fromWorkspaces", rule.getFromWorkspacesList(), Kind.WORKSPACE);
      fqnsOfKind(f + ".fromGroups", rule.getFromGroupsList(), Kind.GROUP);
      for (int j = 0; j < rule.getFromNamespacesCount(); j++) {
        name(f + ".fromNamespaces[" + j + "]", rule.getFromNamespaces(j));
      }
      for (int j = 0; j < rule.getFromPrincipalsCount(); j++) {
        String p = rule.getFromPrincipals(j);
        if (p.isBlank() || p.contains(" ")) {
          add(
              f + ".fromPrincipals[" + j + "]",
              "must be a SPIFFE-style principal like td/ns/x/sa/y");
        }
      }
      for (int j = 0; j < rule.getPathsCount(); j++) {
        String p = rule.getPaths(j);
        if (!(p.startsWith("/") || p.startsWith("*"))) {
          add(f + ".paths[" + j + "]", "'" + p + "' must start with '/' or '*'");
        }
      }
      for (int j = 0; j < rule.getMethodsCount(); j++) {
        if (!HTTP_METHODS.contains(rule.getMethods(j))) {
          add(
              f + ".methods[" + j + "]",
              "'" + rule.getMethods(j) + "' is not one of " + sorted(HTTP_METHODS));
        }
      }
      for (int j = 0; j < rule.getPortsCount(); j++) {
        port(f + ".ports[" + j + "]", rule.getPorts(j), true);
      }
    }
  }

  private void fqnsOfKind(String field, List<String> fqns, Kind kind) {
    for (int j = 0; j < fqns.size(); j++) {
      try {
        Fqn fqn = Fqn.parse(fqns.get(j));
        if (fqn.kind().orElse(null) != kind) {
          add(
              field + "[" + j + "]",
              "'" + fqns.get(j) + "' is not the FQN of a " + kind.kindName());
        }
      } catch (IllegalArgumentException e) {
        add(field + "[" + j + "]", e.getMessage());
      }
    }
  }

  private void ingressGateway(IngressGatewaySpec spec) {
    spec.getWorkloadSelectorMap().forEach((k, v) -> labelPair("spec.workloadSelector." + k, k, v));
    if (spec.getWorkloadSelectorCount() == 0) {
      add("spec.workloadSelector", "at least one label selecting the gateway pods is required");
    }
    if (!spec.getWorkloadNamespace().isEmpty()) {
      name("spec.workloadNamespace", spec.getWorkloadNamespace());
    }
    if (spec.getServersCount() == 0) {
      add("spec.servers", "at least one server is required");
    }
    var ports = new HashSet<Integer>();
    var hosts = new ArrayList<String>();
    for (int i = 0; i < spec.getServersCount(); i++) {
      GatewayServer s = spec.getServers(i);
      String f = "spec.servers[" + i + "]";
      port(f + ".port", s.getPort(), true);
      if (!ports.add(s.getPort())) {
        add(f + ".port", "duplicate port " + s.getPort());
      }
      if (!GATEWAY_PROTOCOLS.contains(s.getProtocol())) {
        add(
            f + ".protocol",
            "'" + s.getProtocol() + "' is not one of " + sorted(GATEWAY_PROTOCOLS));
      }
      if (s.getHostsCount() == 0) {
        add(f + ".hosts", "at least one host is required");
      }
      for (int j = 0; j < s.getHostsCount(); j++) {
        if (!Names.HOST.matcher(s.getHosts(j)).matches()) {
          add(f + ".hosts[" + j + "]", "'" + s.getHosts(j) + "' is not a host name or wildcard");
        }
        hosts.add(s.getHosts(j));
      }
      boolean needsTls = s.getProtocol().equals("HTTPS") || s.getProtocol().equals("TLS");
      if (needsTls && s.getTls().getMode() == TlsMode.TLS_MODE_UNSPECIFIED) {
        add(f + ".tls.mode", "is required for protocol " + s.getProtocol());
      }
      if (!needsTls && s.hasTls() && s.getTls().getMode() != TlsMode.TLS_MODE_UNSPECIFIED) {
        add(f + ".tls", "is only allowed with protocol HTTPS or TLS");
      }
      if (needsTls
          && s.getTls().getMode() != TlsMode.PASSTHROUGH
          && s.getTls().getMode() != TlsMode.TLS_MODE_UNSPECIFIED
          && s.getTls().getCredentialName().isEmpty()) {
        add(f + ".tls.credentialName", "is required unless mode is PASSTHROUGH");
      }
      String min = s.getTls().getMinProtocolVersion();
      if (!min.isEmpty() && !min.equals("TLSV1_2") && !min.equals("TLSV1_3")) {
        add(f + ".tls.minProtocolVersion", "must be TLSV1_2 or TLSV1_3");
      }
    }
    for (int i = 0; i < spec.getRoutesCount(); i++) {
      var route = spec.getRoutes(i);
      String f = "spec.routes[" + i + "]";
      if (route.getHost().isEmpty()) {
        add(f + ".host", "is required");
      } else if (hosts.stream().noneMatch(h -> hostMatches(h, route.getHost()))) {
        add(f + ".host", "'" + route.getHost() + "' is not served by any server " + hosts);
      }
      for (int j = 0; j < route.getMatchCount(); j++) {
        match(f + ".match[" + j + "]", route.getMatch(j));
      }
      service(f + ".service", route.getService(), true);
      port(f + ".port", route.getPort(), false);
      if (!route.getSubset().isEmpty()) {
        name(f + ".subset", route.getSubset());
      }
      if (!route.getServiceRoute().isEmpty()) {
        fqnsOfKind(f + ".serviceRoute", List.of(route.getServiceRoute()), Kind.SERVICE_ROUTE);
      }
      duration(f + ".timeout", route.getTimeout());
    }
  }

  private static boolean hostMatches(String serverHost, String host) {
    if (serverHost.equals("*") || serverHost.equals(host)) {
      return true;
    }
    return serverHost.startsWith("*.") && host.endsWith(serverHost.substring(1));
  }

  private void duplicates(String field, List<String> values) {
    var seen = new HashSet<String>();
    for (int i = 0; i < values.size(); i++) {
      if (!seen.add(values.get(i))) {
        add(field + "[" + i + "]", "duplicate '" + values.get(i) + "'");
      }
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
