package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Apply-time refusals of the egress and request-token fields, each with its field path. */
class EgressAndJwtValidationTest {
  private static final String PUBLIC_JWKS =
      "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\",\"x\":"
          + "\"D_nizFwHY6DGaqe3SDN3PHZ_4C5AW9xyRt_g9z2_9KA\",\"y\":"
          + "\"kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A\"}]}";
  private static final String GATEWAY =
      "organizations/o/tenants/t/workspaces/w/groups/g/egressgateways/exit";

  private static Resource doc(String yaml) {
    ParsedDocument d = ResourceDocuments.parse(yaml).get(0);
    assertThat(d.error()).isNull();
    return d.resource();
  }

  private static List<Problem.Violation> alone(String yaml) {
    return ResourceValidator.checkAlone(doc(yaml));
  }

  private static String security(String spec) {
    return """
    apiVersion: trestle.dev/v1
    kind: SecuritySetting
    metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
    spec:
    %s\
    """
        .formatted(spec.indent(2));
  }

  private static String workspace(String egress) {
    return """
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: w, organization: o, tenant: t}
    spec:
      namespaceSelectors: ["*/pay"]
      egress:
    %s\
    """
        .formatted(egress.indent(4));
  }

  private static List<String> fields(List<Problem.Violation> v) {
    return v.stream().map(Problem.Violation::field).toList();
  }

  @Test
  void aValidPublicKeySetAndHttpsUriPass() {
    assertThat(
            alone(
                security(
                    """
                    jwt:
                      required: true
                      issuers:
                        - {issuer: "https://a.example", jwks: '%s', audiences: [api]}
                        - issuer: "https://b.example"
                          jwksUri: "https://b.example/keys"
                          fromHeaders: [{name: x-token, prefix: "Bearer "}]
                          fromParams: [token]
                      claims: [{claim: realm.roles, values: [admin]}]
                    """
                        .formatted(PUBLIC_JWKS))))
        .isEmpty();
  }

  @Test
  void aBadKeySetIsRefusedWithItsFieldPath() {
    var v =
        alone(
            security("jwt: {issuers: [{issuer: \"https://a.example\", jwks: '{\"keys\": 7}'}]}\n"));
    assertThat(fields(v)).containsExactly("spec.jwt.issuers[0].jwks");
    assertThat(v.get(0).description()).startsWith("is not a JWKS document");
    assertThat(
            fields(
                alone(
                    security("jwt: {issuers: [{issuer: \"https://a.example\", jwks: 'nope'}]}\n"))))
        .containsExactly("spec.jwt.issuers[0].jwks");
    assertThat(
            fields(
                alone(
                    security(
                        "jwt: {issuers: [{issuer: \"https://a.example\", jwks:"
                            + " '{\"keys\":[]}'}]}\n"))))
        .containsExactly("spec.jwt.issuers[0].jwks.keys");
  }

  @Test
  void aPrivateKeyInTheKeySetIsRefusedWithoutEchoingIt() {
    String secret = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c";
    String jwks = PUBLIC_JWKS.replace("\"kid\"", "\"d\":\"" + secret + "\",\"kid\"");
    var v =
        alone(
            security("jwt: {issuers: [{issuer: \"https://a.example\", jwks: '" + jwks + "'}]}\n"));
    assertThat(fields(v)).containsExactly("spec.jwt.issuers[0].jwks.keys[0]");
    assertThat(v.get(0).description()).contains("private key").doesNotContain(secret);
  }

  @Test
  void keySourcesUrisAndClaimsAreChecked() {
    var v =
        alone(
            security(
                """
                jwt:
                  issuers:
                    - {issuer: "https://a.example", jwksUri: "http://a.example/keys"}
                    - {issuer: "https://b.example"}
                    - {issuer: "", jwksUri: "https://c.example/k", fromHeaders: [{name: "bad header"}]}
                  claims: [{claim: "roles[0]", values: []}]
                """));
    assertThat(fields(v))
        .containsExactlyInAnyOrder(
            "spec.jwt.issuers[0].jwksUri",
            "spec.jwt.issuers[1]",
            "spec.jwt.issuers[2].issuer",
            "spec.jwt.issuers[2].fromHeaders[0].name",
            "spec.jwt.claims[0].claim",
            "spec.jwt.claims[0].values");
    assertThat(fields(alone(security("jwt: {required: true}\n"))))
        .containsExactly("spec.jwt.issuers");
  }

  @Test
  void gatewayServerTokensAreCheckedToo() {
    var v =
        alone(
            """
            apiVersion: trestle.dev/v1
            kind: IngressGateway
            metadata: {name: front, organization: o, tenant: t, workspace: w, group: g}
            spec:
              workloadSelector: {istio: ingressgateway}
              servers:
                - name: web
                  port: 80
                  protocol: HTTP
                  hosts: [shop.example]
                  jwt: {issuers: [{issuer: "https://a.example", jwks: '{"keys":[{"kty":"EC"}]}'}]}
            """);
    assertThat(fields(v)).containsExactly("spec.servers[0].jwt.issuers[0].jwks");
  }

  @Test
  void denyRulesAreCheckedLikeAllowRules() {
    var v =
        alone(
            security(
                "deny: [{methods: [FETCH], paths: [admin], fromWorkspaces: [organizations/o]}]\n"));
    assertThat(fields(v))
        .containsExactlyInAnyOrder(
            "spec.deny[0].methods[0]", "spec.deny[0].paths[0]", "spec.deny[0].fromWorkspaces[0]");
  }

  @Test
  void malformedEgressHostsAreRefusedWithTheirFieldPaths() {
    var v =
        alone(
            workspace(
                """
                outboundMode: REGISTRY_ONLY
                allowedHosts:
                  - {host: "bad_host!", ports: [{number: 443, protocol: TLS}]}
                  - {host: "*", ports: [{number: 443, protocol: TLS}]}
                  - {host: cart.shop.svc.cluster.local, ports: [{number: 80, protocol: HTTP}]}
                  - {host: "*.cdn.example", ports: [{number: 443, protocol: TLS}], resolution: DNS}
                  - {host: api.example, ports: []}
                  - {host: db.example, ports: [{number: 0, protocol: SQL}]}
                """));
    assertThat(fields(v))
        .containsExactlyInAnyOrder(
            "spec.egress.allowedHosts[0].host",
            "spec.egress.allowedHosts[1].host",
            "spec.egress.allowedHosts[2].host",
            "spec.egress.allowedHosts[3].resolution",
            "spec.egress.allowedHosts[4].ports",
            "spec.egress.allowedHosts[5].ports[0].number",
            "spec.egress.allowedHosts[5].ports[0].protocol");
  }

  @Test
  void hostsThroughAGatewayNeedOneNamedNonTcpPortAndAGatewayFqn() {
    var v =
        alone(
            workspace(
                """
                allowedHosts:
                  - {host: db.example, ports: [{number: 5432, protocol: TCP}], egressGateway: %1$s}
                  - host: api.example
                    ports: [{number: 443, protocol: TLS}, {number: 80, protocol: HTTP}]
                    egressGateway: %1$s
                  - {host: "*.example", ports: [{number: 443, protocol: TLS}], resolution: NONE, egressGateway: %1$s}
                  - {host: x.example, ports: [{number: 443, protocol: TLS}], egressGateway: organizations/o}
                """
                    .formatted(GATEWAY)));
    assertThat(fields(v))
        .containsExactlyInAnyOrder(
            "spec.egress.allowedHosts[0].ports[0].protocol",
            "spec.egress.allowedHosts[1].ports",
            "spec.egress.allowedHosts[2].host",
            "spec.egress.allowedHosts[3].egressGateway");
  }

  @Test
  void anUnknownEgressGatewayIsRefusedInContext() {
    var org =
        new ResourceSnapshot("Organization", "organizations/o", new TreeMap<>(), "", false, "{}");
    var tenant =
        new ResourceSnapshot(
            "Tenant", "organizations/o/tenants/t", new TreeMap<>(), "", false, "{}");
    Resource r =
        doc(
            workspace(
                "allowedHosts: [{host: api.example, ports: [{number: 443, protocol: TLS}],"
                    + " egressGateway: "
                    + GATEWAY
                    + "}]\n"));
    var missing = ResourceValidator.check(r, new ValidationContext(List.of(org, tenant), Set.of()));
    assertThat(fields(missing)).containsExactly("spec.egress.allowedHosts[0].egressGateway");
    assertThat(missing.get(0).description()).contains("does not exist");
    assertThat(
            ResourceValidator.check(
                r, new ValidationContext(List.of(org, tenant), Set.of(GATEWAY))))
        .isEmpty();
  }

  @Test
  void anEgressGatewayNeedsItsWorkloadAndGrantsThatNameCallersAndHosts() {
    var v =
        alone(
            """
            apiVersion: trestle.dev/v1
            kind: EgressGateway
            metadata: {name: exit, organization: o, tenant: t, workspace: w, group: g}
            spec:
              allow:
                - {hosts: [api.example]}
                - fromPrincipals: [ns/batch/sa/job]
                  fromGroups: [organizations/o/tenants/t/workspaces/w]
                  hosts: [not_a_host]
            """);
    assertThat(fields(v))
        .containsExactlyInAnyOrder(
            "spec.workloadNamespace",
            "spec.service",
            "spec.workloadSelector",
            "spec.allow[0]",
            "spec.allow[1].fromGroups[0]",
            "spec.allow[1].fromPrincipals[0]",
            "spec.allow[1].hosts[0]");
  }
}
