package dev.trestle.management;

import dev.trestle.core.Problem.Violation;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure validation of a resource: {@link #check} returns every violation with its field path.
 * Context-free rules always run; rules that need the ancestors (selector containment, group type)
 * or referenced resources run against the {@link ValidationContext}.
 *
 * <p>This class holds the order of the steps (kind, metadata, ancestry, the kind's spec rules,
 * references); each kind's spec rules are a {@link KindRules} registered in {@link #RULES}, so a
 * new kind is a new small class and one line here.
 */
public final class ResourceValidator {
  private static final Map<Kind, KindRules> RULES = new EnumMap<>(Kind.class);

  static {
    RULES.put(Kind.ORGANIZATION, KindRules.NONE);
    RULES.put(Kind.TENANT, KindRules.NONE);
    RULES.put(Kind.WORKSPACE, new WorkspaceRules());
    RULES.put(Kind.GROUP, new GroupRules());
    RULES.put(Kind.CLUSTER, new ClusterRules());
    RULES.put(Kind.SERVICE_ROUTE, new ServiceRouteRules());
    RULES.put(Kind.TRAFFIC_SETTING, new TrafficSettingRules());
    RULES.put(Kind.SECURITY_SETTING, new SecuritySettingRules());
    RULES.put(Kind.INGRESS_GATEWAY, new IngressGatewayRules());
    RULES.put(Kind.EGRESS_GATEWAY, new EgressGatewayRules());
    RULES.put(Kind.GIT_SOURCE, new GitSourceRules());
    RULES.put(Kind.REVISION_ROLLOUT, new RevisionRolloutRules());
    RULES.put(Kind.WASM_EXTENSION, new WasmExtensionRules());
    RULES.put(Kind.API_DEFINITION, new ApiDefinitionRules());
  }

  private ResourceValidator() {}

  /** Rules that need nothing but the resource. */
  public static List<Violation> checkAlone(Resource resource) {
    var c = new Checks(null);
    validate(resource, c);
    return c.violations();
  }

  /** Every rule, including those against ancestors and references. */
  public static List<Violation> check(Resource resource, ValidationContext context) {
    var c = new Checks(context);
    validate(resource, c);
    return c.violations();
  }

  /**
   * Only the rules that need the context (group type of the ancestors, selectors within the
   * workspace, services within the placement, referenced resources exist), for a document that
   * already passed {@link #checkAlone}: together the two are {@link #check}, each rule run once.
   */
  public static List<Violation> checkInContext(Resource resource, ValidationContext context) {
    var c = new Checks(context);
    Kind kind = Kind.byKindName(resource.getKind()).orElseThrow();
    MetadataRules.ancestry(kind, c);
    rules(kind).inContext(resource, c);
    ReferenceRules.exist(references(resource), c);
    return c.violations();
  }

  /** FQNs this resource refers to, keyed by the field path that names them. */
  public static Map<String, String> references(Resource resource) {
    var refs = new LinkedHashMap<String, String>();
    Arrays.stream(Kind.values())
        .filter(k -> k.specCase() == resource.getSpecCase())
        .findFirst()
        .ifPresent(k -> rules(k).references(resource, refs));
    return refs;
  }

  private static KindRules rules(Kind kind) {
    return RULES.get(kind);
  }

  private static void validate(Resource r, Checks c) {
    Optional<Kind> maybeKind = Kind.byKindName(r.getKind());
    if (maybeKind.isEmpty()) {
      c.add("kind", "unknown kind '" + r.getKind() + "'; one of " + Kind.acceptedNames());
      return;
    }
    Kind kind = maybeKind.get();
    if (r.getSpecCase() != Resource.SpecCase.SPEC_NOT_SET && r.getSpecCase() != kind.specCase()) {
      c.add("spec", "holds a " + r.getSpecCase() + " spec but kind is " + kind.kindName());
      return;
    }
    MetadataRules.check(kind, r.getMetadata(), c);
    if (!c.clean()) {
      return; // without a sound identity, spec rules would only add noise
    }
    if (c.inContext()) {
      MetadataRules.ancestry(kind, c);
    }
    rules(kind).check(r, c);
    if (c.inContext()) {
      ReferenceRules.exist(references(r), c);
    }
  }
}
