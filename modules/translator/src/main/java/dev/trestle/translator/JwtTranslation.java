package dev.trestle.translator;

import dev.trestle.protocol.v1.ClaimRequirement;
import dev.trestle.protocol.v1.JwtHeader;
import dev.trestle.protocol.v1.JwtIssuer;
import dev.trestle.protocol.v1.JwtPolicy;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Condition;
import io.fabric8.istio.api.api.security.v1beta1.JWTHeader;
import io.fabric8.istio.api.api.security.v1beta1.JWTRule;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A request-token policy ({@link JwtPolicy}) at some workloads → a RequestAuthentication (which
 * issuers, keys, audiences, where the token is) and, when tokens are required or claims must hold,
 * a DENY AuthorizationPolicy. RequestAuthentication alone only refuses invalid tokens; a request
 * without one passes, so "required" is a DENY of requests whose request principal is not of one of
 * the issuers ({@code notRequestPrincipals: [iss/*]}), and each claim requirement a DENY of
 * requests whose {@code request.auth.claims[...]} holds none of its values. DENY is evaluated
 * before every ALLOW policy, so these hold whatever allow rules other settings add.
 */
final class JwtTranslation {
  private final Emission emission;

  JwtTranslation(Emission emission) {
    this.emission = emission;
  }

  /** The JWT policy of a SecuritySetting, for one namespace (selector null) or one service. */
  void apply(Resource setting, String namespace, Map<String, String> selector, Provenance p) {
    if (!setting.getSecuritySetting().hasJwt()) {
      return;
    }
    apply(
        setting.getSecuritySetting().getJwt(),
        setting.getMetadata().getName(),
        p.sourceFqn(),
        namespace,
        selector,
        List.of(),
        p);
  }

  /**
   * Emits the objects for {@code jwt} in {@code namespace} at the workloads {@code selector} (null:
   * all of the namespace), the DENY rules limited to requests for {@code hosts} when not empty.
   */
  void apply(
      JwtPolicy jwt,
      String base,
      String key,
      String namespace,
      Map<String, String> selector,
      List<String> hosts,
      Provenance p) {
    applyTo(jwt, base, key, namespace, selector, hostsScope(hosts), p);
  }

  /**
   * As {@link #apply(JwtPolicy, String, String, String, Map, List, Provenance)}, the DENY rules
   * limited to requests matching one of {@code scope}'s operations (empty: every request).
   */
  void applyTo(
      JwtPolicy jwt,
      String base,
      String key,
      String namespace,
      Map<String, String> selector,
      List<Operation> scope,
      Provenance p) {
    if (jwt.getIssuersCount() == 0) {
      return;
    }
    var raSpec = new io.fabric8.istio.api.api.security.v1beta1.RequestAuthentication();
    if (selector != null) {
      raSpec.setSelector(new WorkloadSelector(new TreeMap<>(selector)));
    }
    raSpec.setJwtRules(jwt.getIssuersList().stream().map(JwtTranslation::rule).toList());
    var ra = new RequestAuthentication();
    ra.setMetadata(p.meta(ObjectNames.name(base, key), namespace));
    ra.setSpec(raSpec);
    emission.emit(ra, p);

    List<Rule> rules = denyRules(jwt, scope);
    if (rules.isEmpty()) {
      return;
    }
    var apSpec = new io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy();
    apSpec.setAction(AuthorizationPolicyAction.DENY);
    if (selector != null) {
      apSpec.setSelector(new WorkloadSelector(new TreeMap<>(selector)));
    }
    apSpec.setRules(rules);
    var ap = new AuthorizationPolicy();
    ap.setMetadata(p.meta(ObjectNames.name(base + "-jwt", key + "#jwt"), namespace));
    ap.setSpec(apSpec);
    emission.emit(ap, p);
  }

  private static JWTRule rule(JwtIssuer issuer) {
    var r = new JWTRule();
    r.setIssuer(issuer.getIssuer());
    if (issuer.getAudiencesCount() > 0) {
      r.setAudiences(List.copyOf(issuer.getAudiencesList()));
    }
    if (!issuer.getJwks().isBlank()) {
      r.setJwks(issuer.getJwks());
    } else {
      r.setJwksUri(issuer.getJwksUri());
    }
    if (issuer.getFromHeadersCount() > 0) {
      var headers = new ArrayList<JWTHeader>();
      for (JwtHeader h : issuer.getFromHeadersList()) {
        var header = new JWTHeader();
        header.setName(h.getName());
        if (!h.getPrefix().isEmpty()) {
          header.setPrefix(h.getPrefix());
        }
        headers.add(header);
      }
      r.setFromHeaders(headers);
    }
    if (issuer.getFromParamsCount() > 0) {
      r.setFromParams(List.copyOf(issuer.getFromParamsList()));
    }
    return r;
  }

  private static List<Rule> denyRules(JwtPolicy jwt, List<Operation> scope) {
    var out = new ArrayList<Rule>();
    if (jwt.getRequired() || jwt.getClaimsCount() > 0) {
      var principals = new TreeSet<String>();
      jwt.getIssuersList().forEach(i -> principals.add(i.getIssuer() + "/*"));
      var source = new Source();
      source.setNotRequestPrincipals(List.copyOf(principals));
      var rule = new Rule();
      rule.setFrom(List.of(new RuleFrom(source)));
      out.add(scoped(rule, scope));
    }
    for (ClaimRequirement claim : jwt.getClaimsList()) {
      var condition = new Condition();
      condition.setKey(claimKey(claim.getClaim()));
      condition.setNotValues(List.copyOf(claim.getValuesList()));
      var rule = new Rule();
      rule.setWhen(List.of(condition));
      out.add(scoped(rule, scope));
    }
    return out;
  }

  /** {@code realm.roles} → {@code request.auth.claims[realm][roles]} (Istio's nested form). */
  static String claimKey(String claim) {
    var sb = new StringBuilder("request.auth.claims");
    for (String part : claim.split("\\.")) {
      sb.append('[').append(part).append(']');
    }
    return sb.toString();
  }

  private static Rule scoped(Rule rule, List<Operation> scope) {
    if (!scope.isEmpty()) {
      rule.setTo(scope.stream().map(RuleTo::new).toList());
    }
    return rule;
  }

  /** Requests for {@code hosts} (with or without a port), or every request for none or "*". */
  private static List<Operation> hostsScope(List<String> hosts) {
    if (hosts.isEmpty() || hosts.contains("*")) {
      return List.of();
    }
    var op = new Operation();
    op.setHosts(hostPatterns(hosts));
    return List.of(op);
  }

  /** Each host, and for an exact one also {@code host:*}: the Host header may carry the port. */
  static List<String> hostPatterns(Collection<String> hosts) {
    var matched = new TreeSet<String>();
    for (String h : hosts) {
      matched.add(h);
      if (!h.startsWith("*")) {
        matched.add(h + ":*");
      }
    }
    return List.copyOf(matched);
  }
}
