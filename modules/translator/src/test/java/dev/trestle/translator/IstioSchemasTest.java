package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.translator.schema.IstioSchemas;
import dev.trestle.translator.schema.SchemaViolation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The schema check refuses what an Istio API server would refuse, and only that. */
class IstioSchemasTest {

  private static List<SchemaViolation> check(String yaml) {
    return IstioSchemaCheck.schemas().violations(CanonicalForm.readYaml(yaml));
  }

  private static String virtualService(String spec) {
    return """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: web, namespace: shop}
    spec:
    """
        + spec.indent(2);
  }

  @Test
  void loadsEveryServedIstioKind() {
    assertThat(IstioSchemaCheck.schemas().kinds())
        .contains(
            "networking.istio.io/v1 VirtualService",
            "networking.istio.io/v1alpha3 EnvoyFilter",
            "security.istio.io/v1 RequestAuthentication",
            "extensions.istio.io/v1alpha1 WasmPlugin",
            "networking.istio.io/v1 ServiceEntry");
  }

  @Test
  void admitsAValidObject() {
    assertThat(
            check(
                virtualService(
                    """
                    hosts: [web]
                    http:
                    - route:
                      - destination: {host: web, port: {number: 8080}}
                      timeout: 0.250s
                    """)))
        .isEmpty();
  }

  @Test
  void refusesAnUnknownFieldWithItsPath() {
    assertThat(
            check(
                virtualService(
                    """
                    hosts: [web]
                    http:
                    - route:
                      - destination: {host: web, prot: {number: 8080}}
                    """)))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("spec.http[0].route[0].destination.prot");
              assertThat(v.rule()).isEqualTo("additionalProperties");
              assertThat(v.object()).isEqualTo("networking.istio.io/v1 VirtualService shop/web");
            });
  }

  @Test
  void refusesAWrongTypeAndAValueOutsideItsEnum() {
    assertThat(
            check(
                virtualService(
                    """
                    hosts: web
                    """)))
        .singleElement()
        .satisfies(v -> assertThat(v.describe()).startsWith("spec.hosts: ").endsWith("[type]"));
    assertThat(
            check(
                """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: shop}
                spec:
                  host: web
                  trafficPolicy: {loadBalancer: {simple: FASTEST}}
                """))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("spec.trafficPolicy.loadBalancer.simple");
              assertThat(v.rule()).isEqualTo("enum");
            });
  }

  @Test
  void honoursIntOrStringAndOneOf() {
    String dr =
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: shop}
        spec:
          host: web
          trafficPolicy:
            portLevelSettings:
            - port: {number: 80}
              loadBalancer: %s
        """;
    assertThat(check(dr.formatted("{simple: ROUND_ROBIN}"))).isEmpty();
    // loadBalancer is a oneOf: simple or consistentHash, not both.
    assertThat(
            check(dr.formatted("{simple: ROUND_ROBIN, consistentHash: {httpHeaderName: x-user}}")))
        .extracting(SchemaViolation::rule)
        .contains("oneOf");
    String ap =
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          portLevelMtls:
            %s: {mode: STRICT}
        """;
    assertThat(check(ap.formatted("8080"))).isEmpty();
  }

  @Test
  void refusesAKindOrVersionIstioDoesNotServe() {
    assertThat(
            check(
                """
                apiVersion: networking.istio.io/v9
                kind: VirtualService
                metadata: {name: web, namespace: shop}
                spec: {}
                """))
        .singleElement()
        .extracting(SchemaViolation::rule)
        .isEqualTo("served");
  }

  @Test
  void leavesNonIstioObjectsToOthers() {
    JsonNode np =
        CanonicalForm.readYaml(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: x, namespace: shop}
            spec: {whatever: 1}
            """);
    assertThat(IstioSchemas.isIstio(np)).isFalse();
    assertThat(IstioSchemaCheck.schemas().violations(np)).isEmpty();
  }

  @Test
  void refusesEveryGoldenObjectOnceAFieldIsMisspelt() {
    var snapshot = Fixtures.acme();
    for (DesiredObject o :
        IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a")).objects()) {
      var tree = (ObjectNode) o.tree();
      if (!tree.has("spec")) {
        continue; // the rate-limit service's ConfigMap: not Istio's (IstioSchemaCheck checks it)
      }
      ((ObjectNode) tree.get("spec")).put("trestleTypo", true);
      // Istio's schemas for Istio kinds; the NetworkPolicy through fabric8's typed model
      assertThat(IstioSchemaCheck.violations(tree))
          .as(o.key().toString())
          .extracting(SchemaViolation::path)
          .containsExactly("spec.trestleTypo");
    }
  }

  private static final String ENVOY_FILTER =
      """
      apiVersion: networking.istio.io/v1alpha3
      kind: EnvoyFilter
      metadata: {name: ratelimit, namespace: shop}
      spec:
        workloadSelector: {labels: {app: web}}
        configPatches:
        - applyTo: HTTP_FILTER
          match:
            context: SIDECAR_INBOUND
            listener:
              filterChain:
                filter:
                  name: envoy.filters.network.http_connection_manager
          patch:
            operation: INSERT_BEFORE
            value:
              name: envoy.filters.http.local_ratelimit
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                stat_prefix: http_local_rate_limiter
                token_bucket: {max_tokens: 10, tokens_per_fill: 10, fill_interval: %s}
      """;

  @Test
  void parsesEnvoyFilterTypedConfigsIntoEnvoysMessages() {
    assertThat(check(ENVOY_FILTER.formatted("60s"))).isEmpty();
    // A duration must be a protobuf Duration string, not a number.
    assertThat(check(ENVOY_FILTER.formatted("60")))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("spec.configPatches[0].patch.value");
              assertThat(v.rule())
                  .isEqualTo(
                      "envoy:envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter");
            });
    // A misspelt field inside the typed_config.
    assertThat(check(ENVOY_FILTER.formatted("60s").replace("stat_prefix", "stats_prefix")))
        .singleElement()
        .extracting(SchemaViolation::message)
        .asString()
        .contains("stats_prefix");
    // An @type Envoy does not know.
    assertThat(
            check(
                ENVOY_FILTER.formatted("60s").replace("local_ratelimit.v3", "local_ratelimit.v9")))
        .singleElement()
        .extracting(SchemaViolation::message)
        .asString()
        .contains("local_ratelimit.v9");
  }

  @Test
  void aMissingCrdFileFailsTheTestsInsteadOfSkippingThem() {
    assertThatThrownBy(() -> IstioSchemaCheck.load(Path.of("no/such/crd-all.gen.yaml")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Istio's CRD schemas are missing");
  }

  @Test
  void refusesAFileWithoutCrds() {
    ThrowingCallable load =
        () ->
            IstioSchemas.load(new ByteArrayInputStream("a: 1\n".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(load)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no served CustomResourceDefinition");
  }

  @Test
  void evaluatesTheCelRulesOfTheSchema() {
    String timeout =
        virtualService(
            """
            hosts: [web]
            http:
            - route:
              - destination: {host: web}
              timeout: %s
            """);
    assertThat(check(timeout.formatted("0.250s"))).isEmpty();
    assertThat(check(timeout.formatted("0s")))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("spec.http[0].timeout");
              assertThat(v.rule())
                  .isEqualTo("x-kubernetes-validations: duration(self) >= duration('1ms')");
            });
    // A workload selector label value must not hold a wildcard.
    String peer =
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: %s}}
        """;
    assertThat(check(peer.formatted("web"))).isEmpty();
    assertThat(check(peer.formatted("'web*'")))
        .extracting(SchemaViolation::rule)
        .anyMatch(r -> r.startsWith("x-kubernetes-validations: ") && r.contains("*"));
  }

  @Test
  void onlyRulesNeedingKubernetesUrlLibraryOrAPreviousObjectAreLeftUnchecked() {
    // cel-java has no Kubernetes url()/isURL() (WasmPlugin and RequestAuthentication URLs), and
    // transition rules (oldSelf) need the stored object; every other rule is evaluated.
    assertThat(IstioSchemaCheck.schemas().uncheckedCelRules())
        .isNotEmpty()
        .allMatch(r -> r.contains("url(") || r.contains("oldSelf"), "url() or oldSelf");
  }
}
