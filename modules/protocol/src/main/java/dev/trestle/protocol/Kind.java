package dev.trestle.protocol;

import dev.trestle.protocol.v1.GroupType;
import dev.trestle.protocol.v1.Resource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The resource kinds, their place in the hierarchy and the names users may type for them. */
public enum Kind {
  ORGANIZATION(
      "Organization", "organizations", null, null, Resource.SpecCase.ORGANIZATION, "org", "orgs"),
  TENANT("Tenant", "tenants", ORGANIZATION, null, Resource.SpecCase.TENANT, "tn"),
  WORKSPACE("Workspace", "workspaces", TENANT, null, Resource.SpecCase.WORKSPACE, "ws"),
  GROUP("Group", "groups", WORKSPACE, null, Resource.SpecCase.GROUP, "grp"),
  CLUSTER("Cluster", "clusters", ORGANIZATION, null, Resource.SpecCase.CLUSTER, "cl"),
  SERVICE_ROUTE(
      "ServiceRoute",
      "serviceroutes",
      GROUP,
      GroupType.TRAFFIC,
      Resource.SpecCase.SERVICE_ROUTE,
      "sr"),
  TRAFFIC_SETTING(
      "TrafficSetting",
      "trafficsettings",
      GROUP,
      GroupType.TRAFFIC,
      Resource.SpecCase.TRAFFIC_SETTING,
      "ts"),
  SECURITY_SETTING(
      "SecuritySetting",
      "securitysettings",
      GROUP,
      GroupType.SECURITY,
      Resource.SpecCase.SECURITY_SETTING,
      "ss"),
  INGRESS_GATEWAY(
      "IngressGateway",
      "ingressgateways",
      GROUP,
      GroupType.GATEWAY,
      Resource.SpecCase.INGRESS_GATEWAY,
      "igw",
      "ig"),
  EGRESS_GATEWAY(
      "EgressGateway",
      "egressgateways",
      GROUP,
      GroupType.GATEWAY,
      Resource.SpecCase.EGRESS_GATEWAY,
      "egw",
      "eg"),
  GIT_SOURCE("GitSource", "gitsources", TENANT, null, Resource.SpecCase.GIT_SOURCE, "gs"),
  REVISION_ROLLOUT(
      "RevisionRollout",
      "revisionrollouts",
      ORGANIZATION,
      null,
      Resource.SpecCase.REVISION_ROLLOUT,
      "rro"),
  WASM_EXTENSION(
      "WasmExtension",
      "wasmextensions",
      ORGANIZATION,
      null,
      Resource.SpecCase.WASM_EXTENSION,
      "wasm",
      "wx"),
  API_DEFINITION(
      "ApiDefinition",
      "apidefinitions",
      GROUP,
      GroupType.GATEWAY,
      Resource.SpecCase.API_DEFINITION,
      "api");

  public static final String API_VERSION = "trestle.dev/v1";

  private final String kindName;
  private final String collection;
  private final Kind parent;
  private final GroupType requiredGroupType;
  private final Resource.SpecCase specCase;
  private final List<String> shortNames;

  Kind(
      String kindName,
      String collection,
      Kind parent,
      GroupType requiredGroupType,
      Resource.SpecCase specCase,
      String... shortNames) {
    this.kindName = kindName;
    this.collection = collection;
    this.parent = parent;
    this.requiredGroupType = requiredGroupType;
    this.specCase = specCase;
    this.shortNames = List.of(shortNames);
  }

  /** The name used in documents: {@code ServiceRoute}. */
  public String kindName() {
    return kindName;
  }

  /** The FQN path segment: {@code serviceroutes}. */
  public String collection() {
    return collection;
  }

  public Optional<Kind> parent() {
    return Optional.ofNullable(parent);
  }

  /** For kinds that live in a group: the group type they need. */
  public Optional<GroupType> requiredGroupType() {
    return Optional.ofNullable(requiredGroupType);
  }

  public Resource.SpecCase specCase() {
    return specCase;
  }

  public List<String> shortNames() {
    return shortNames;
  }

  /** Number of ancestors: 0 for organizations, 4 for resources in a group. */
  public int depth() {
    return parent == null ? 0 : parent.depth() + 1;
  }

  /** The chain of kinds from the root down to this one. */
  public List<Kind> lineage() {
    var chain = new java.util.ArrayList<Kind>();
    for (Kind k = this; k != null; k = k.parent) {
      chain.add(0, k);
    }
    return List.copyOf(chain);
  }

  /** Resolves a kind name, its plural/collection, or a short name, case-insensitively. */
  public static Optional<Kind> lookup(String typed) {
    if (typed == null) {
      return Optional.empty();
    }
    String t = typed.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(
            k ->
                k.kindName.toLowerCase(Locale.ROOT).equals(t)
                    || k.collection.equals(t)
                    || k.shortNames.contains(t))
        .findFirst();
  }

  public static Optional<Kind> byKindName(String kindName) {
    return Arrays.stream(values()).filter(k -> k.kindName.equals(kindName)).findFirst();
  }

  public static Optional<Kind> byCollection(String collection) {
    return Arrays.stream(values()).filter(k -> k.collection.equals(collection)).findFirst();
  }

  public static Optional<Kind> bySpecCase(Resource.SpecCase specCase) {
    return Arrays.stream(values()).filter(k -> k.specCase == specCase).findFirst();
  }

  /** All names accepted by {@link #lookup}, for error messages. */
  public static String acceptedNames() {
    var sb = new StringBuilder();
    for (Kind k : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(k.kindName);
    }
    return sb.toString();
  }
}
