package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The semantic checks the translator's tests run over their outputs must catch what they claim. */
class IstioAnalysisTest {

  private static ClusterView view() {
    var snapshot = Fixtures.acme();
    return Fixtures.acmeView(snapshot, "eu-west-1a")
        .withServices(
            CrossClusterTest.named(CrossClusterTest.acmeCatalog(), "eu-west-1a").services());
  }

  private static List<JsonNode> acme() {
    var out = new ArrayList<JsonNode>();
    IstioTranslator.translate(Fixtures.acme(), view()).objects().forEach(o -> out.add(o.tree()));
    return out;
  }

  /** The partner gateway's VirtualService (routes to checkout-api, which has 8080 and 9090). */
  private static ObjectNode partnerRoutes(List<JsonNode> objects) {
    return (ObjectNode)
        objects.stream()
            .filter(o -> o.path("kind").asText().equals("VirtualService"))
            .filter(o -> o.at("/spec/hosts/0").asText().equals("partners.pay.acme.example"))
            .findFirst()
            .orElseThrow();
  }

  @Test
  void theAcmeOutputIsClean() {
    assertThat(IstioAnalysis.problems(acme(), view())).isEmpty();
  }

  @Test
  void aGatewayDestinationToAMultiPortServiceWithoutAPortIsReported() {
    var objects = acme();
    ((ObjectNode) partnerRoutes(objects).at("/spec/http/1/route/0/destination")).remove("port");
    assertThat(IstioAnalysis.problems(objects, view()))
        .singleElement()
        .asString()
        .contains("checkout-api.checkout.svc.cluster.local has ports [8080, 9090] but names none");
  }

  @Test
  void aDestinationPortTheServiceDoesNotHaveIsReported() {
    var objects = acme();
    ((ObjectNode) partnerRoutes(objects).at("/spec/http/1/route/0/destination/port"))
        .put("number", 8081);
    assertThat(IstioAnalysis.problems(objects, view()))
        .singleElement()
        .asString()
        .contains("port 8081 is not in");
  }

  @Test
  void aGatewayRouteMatchingAServicePortInsteadOfAListenerPortIsReported() {
    var objects = acme();
    ((ObjectNode) partnerRoutes(objects).at("/spec/http/1/match/0")).put("port", 8080);
    assertThat(IstioAnalysis.problems(objects, view()))
        .singleElement()
        .asString()
        .contains("matches port 8080, no listener port of its gateways [443]");
  }

  @Test
  void aServiceEntryNamingALocalPortDifferentlyIsReported() {
    var objects = acme();
    ObjectNode se = (ObjectNode) objects.get(0).deepCopy();
    se.put("kind", "ServiceEntry");
    se.set(
        "spec",
        CanonicalForm.readYaml(
            """
            hosts: [checkout-api.checkout.svc.cluster.local]
            ports: [{number: 8080, name: web, protocol: HTTP}]
            """));
    objects.add(se);
    assertThat(IstioAnalysis.problems(objects, view()))
        .singleElement()
        .asString()
        .contains("port 8080 is named 'web', the local service names it 'http'");
  }
}
