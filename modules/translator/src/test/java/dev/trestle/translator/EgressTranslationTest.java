package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressTranslationTest {
  private static final DesiredObjects OUT = EgressFixtures.translate();
  private static final String GW_HOST = "egress-gw.pay-egress.svc.cluster.local";

  private static List<JsonNode> specs(String kind, String ns) {
    return Fixtures.objects(OUT, kind, ns).stream().map(o -> o.tree().path("spec")).toList();
  }

  private static JsonNode forHost(String kind, String ns, String host) {
    return specs(kind, ns).stream()
        .filter(s -> s.path("hosts").toString().contains("\"" + host + "\""))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + " for " + host + " in " + ns));
  }

  private static String mode(String ns) {
    return Fixtures.only(OUT, "Sidecar", ns).tree().at("/spec/outboundTrafficPolicy/mode").asText();
  }

  @Test
  void outboundModesGoToTheSidecarsAndAGroupReplacesItsWorkspace() {
    assertThat(mode("pay")).isEqualTo("REGISTRY_ONLY");
    assertThat(mode("shop")).isEqualTo("ALLOW_ANY");
    assertThat(mode("vault"))
        .as("the group's ALLOW_ANY replaces the workspace's")
        .isEqualTo("ALLOW_ANY");
    assertThat(Fixtures.objects(OUT, "Sidecar", "loose")).as("in no workspace").isEmpty();
  }

  @Test
  void aDirectHostIsAMeshExternalServiceEntryExportedToItsNamespaceOnly() {
    JsonNode se = forHost("ServiceEntry", "pay", "cdn.example");
    assertThat(se.path("location").asText()).isEqualTo("MESH_EXTERNAL");
    assertThat(se.path("resolution").asText()).isEqualTo("DNS");
    assertThat(se.path("exportTo").toString()).isEqualTo("[\".\"]");
    assertThat(se.path("ports").toString())
        .isEqualTo(
            "[{\"name\":\"tls-443\",\"number\":443,\"protocol\":\"TLS\"},"
                + "{\"name\":\"http-80\",\"number\":80,\"protocol\":\"HTTP\"}]");
    assertThat(specs("VirtualService", "pay").toString()).doesNotContain("cdn.example");
  }

  @Test
  void aHostThroughTheGatewayGetsTheClientHalfOfTheChain() {
    JsonNode tls = forHost("VirtualService", "pay", "api.psp.example");
    assertThat(tls.path("exportTo").toString()).isEqualTo("[\".\"]");
    assertThat(tls.at("/tls/0/match/0/sniHosts/0").asText()).isEqualTo("api.psp.example");
    assertThat(tls.at("/tls/0/route/0/destination/host").asText()).isEqualTo(GW_HOST);
    assertThat(tls.at("/tls/0/route/0/destination/port/number").asInt()).isEqualTo(443);
    JsonNode http = forHost("VirtualService", "pay", "rates.example");
    assertThat(http.at("/http/0/match/0/port").asInt()).isEqualTo(80);
    assertThat(http.at("/http/0/route/0/destination/host").asText()).isEqualTo(GW_HOST);

    JsonNode dr = Fixtures.only(OUT, "DestinationRule", "pay").tree().path("spec");
    assertThat(dr.path("host").asText()).isEqualTo(GW_HOST);
    assertThat(dr.path("subsets")).hasSize(2);
    assertThat(dr.at("/subsets/0/trafficPolicy/portLevelSettings/0/tls/mode").asText())
        .isEqualTo("ISTIO_MUTUAL");
    assertThat(dr.findValuesAsText("sni")).containsExactly("api.psp.example", "rates.example");
    // The client's Sidecar must see the gateway service to send to it.
    assertThat(Fixtures.only(OUT, "Sidecar", "pay").tree().at("/spec/egress/0/hosts").toString())
        .contains("pay-egress/*");
    assertThat(Fixtures.only(OUT, "Sidecar", "batch").tree().at("/spec/egress/0/hosts").toString())
        .contains("pay-egress/" + GW_HOST);
  }

  @Test
  void theGatewayHalfServesTheHostsOverMutualTlsAndAdmitsOnlyItsGrants() {
    JsonNode gw = Fixtures.only(OUT, "Gateway", "pay-egress").tree().path("spec");
    assertThat(gw.at("/selector/istio").asText()).isEqualTo("egressgateway");
    assertThat(gw.path("servers").findValuesAsText("mode")).containsOnly("ISTIO_MUTUAL");
    assertThat(gw.at("/servers/0/hosts").toString()).isEqualTo("[\"rates.example\"]");
    assertThat(gw.at("/servers/0/port/protocol").asText()).isEqualTo("HTTPS");
    assertThat(gw.at("/servers/1/hosts").toString()).isEqualTo("[\"api.psp.example\"]");
    assertThat(gw.at("/servers/1/port/protocol").asText()).isEqualTo("TLS");

    JsonNode tcp = forHost("VirtualService", "pay-egress", "api.psp.example");
    assertThat(tcp.at("/tcp/0/route/0/destination/host").asText()).isEqualTo("api.psp.example");
    assertThat(tcp.at("/tcp/0/route/0/destination/port/number").asInt()).isEqualTo(443);
    JsonNode http = forHost("VirtualService", "pay-egress", "rates.example");
    assertThat(http.at("/http/0/route/0/destination/port/number").asInt()).isEqualTo(80);
    assertThat(forHost("ServiceEntry", "pay-egress", "api.psp.example").path("exportTo").toString())
        .isEqualTo("[\".\"]");

    JsonNode ap = Fixtures.only(OUT, "AuthorizationPolicy", "pay-egress").tree().path("spec");
    assertThat(ap.path("action").asText()).isEqualTo("ALLOW");
    assertThat(ap.path("rules")).hasSize(2);
    JsonNode psp = ap.at("/rules/0");
    // batch is admitted only by its principal grant; shop by nothing.
    assertThat(psp.at("/from/0/source/namespaces").toString()).isEqualTo("[\"pay\"]");
    assertThat(psp.at("/from/1/source/principals").toString())
        .isEqualTo("[\"cluster.local/ns/batch/sa/job\"]");
    assertThat(psp.at("/when/0/key").asText()).isEqualTo("connection.sni");
    assertThat(ap.at("/rules/1/to/0/operation/hosts").toString())
        .isEqualTo("[\"rates.example\",\"rates.example:*\"]");
  }

  @Test
  void aHostTheGatewayDoesNotGrantIsLeftOutAndReported() {
    assertThat(Fixtures.objects(OUT, "ServiceEntry", "shop")).isEmpty();
    assertThat(Fixtures.objects(OUT, "VirtualService", "shop")).isEmpty();
    assertThat(OUT.diagnostics())
        .anySatisfy(
            d ->
                assertThat(d.message())
                    .contains("api.psp.example")
                    .contains("grants organizations/org/tenants/t/workspaces/shop no passage"));
  }

  @Test
  void anUnknownOrUnplacedGatewayIsReportedAndRegistryOnlyThenBlocksTheHost() {
    var out =
        EgressFixtures.translate(
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: lost, organization: org, tenant: t}
            spec:
              namespaceSelectors: ["*/lost"]
              egress:
                outboundMode: REGISTRY_ONLY
                allowedHosts:
                  - host: api.psp.example
                    ports: [{number: 443, protocol: TLS}]
                    egressGateway: organizations/org/tenants/t/workspaces/pay/groups/exit/egressgateways/gone
            """);
    assertThat(out.diagnostics())
        .anySatisfy(
            d ->
                assertThat(d.message())
                    .contains("egressgateways/gone is not in the snapshot")
                    .contains("REGISTRY_ONLY mode then blocks"));
    var far =
        IstioTranslator.translate(
            Fixtures.snapshot(EgressFixtures.DOCS), Fixtures.view("c1", "pay"));
    assertThat(far.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("is not placed in cluster c1"));
    assertThat(Fixtures.objects(far, "VirtualService", "pay")).isEmpty();
  }

  @Test
  void egressObjectsNameTheirInputs() {
    DesiredObject gw = Fixtures.only(OUT, "Gateway", "pay-egress");
    assertThat(gw.sourceFqn()).isEqualTo(EgressFixtures.GATEWAY);
    assertThat(gw.inputs())
        .contains(
            "organizations/org/tenants/t/workspaces/pay@1",
            "organizations/org/tenants/t/workspaces/batch@1");
    DesiredObject sidecar = Fixtures.only(OUT, "Sidecar", "vault");
    assertThat(sidecar.inputs())
        .contains("organizations/org/tenants/t/workspaces/vault/groups/vault-tools@1");
  }
}
