package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every emitted object must pass the API server's structural checks and survive a round trip. */
class KubernetesValidityTest {
  private static final Set<String> KINDS =
      Set.of(
          "networking.istio.io/v1 VirtualService",
          "networking.istio.io/v1 DestinationRule",
          "networking.istio.io/v1 Gateway",
          "networking.istio.io/v1 Sidecar",
          "networking.istio.io/v1alpha3 EnvoyFilter",
          "extensions.istio.io/v1alpha1 WasmPlugin",
          "v1 ConfigMap",
          "security.istio.io/v1 PeerAuthentication",
          "security.istio.io/v1 AuthorizationPolicy",
          // egress (ServiceEntries for allowed hosts) and request tokens
          "networking.istio.io/v1 ServiceEntry",
          "security.istio.io/v1 RequestAuthentication",
          // egress lock-down below the mesh (EgressPolicy.networkPolicy)
          "networking.k8s.io/v1 NetworkPolicy");

  @Test
  void everyEmittedObjectIsAValidNamespacedKubernetesObject() {
    var snapshot = Fixtures.acme();
    int checked = 0;
    for (String cluster : Fixtures.acmeClusters()) {
      var view = Fixtures.acmeView(snapshot, cluster);
      for (DesiredObject o : IstioTranslator.translate(snapshot, view).objects()) {
        assertThat(KubernetesValidation.problems(o)).as("%s in %s", o.key(), cluster).isEmpty();
        assertThat(KINDS).contains(o.key().apiVersion() + " " + o.key().kind());
        assertThat(o.key().name())
            .hasSizeLessThanOrEqualTo(63)
            .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(view.namespaces()).contains(o.key().namespace());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(80);
  }

  @Test
  void everyObjectReadsBackIntoTheFabric8ModelAndFromItsYaml() {
    // eu-west-1a runs every workspace, so its objects cover every shape the examples produce.
    var snapshot = Fixtures.acme();
    for (DesiredObject o :
        IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a")).objects()) {
      // The typed model accepts every field we emit and gives back the same JSON.
      assertThat(CanonicalForm.json(CanonicalForm.tree(o.object())))
          .as(o.key().toString())
          .isEqualTo(o.json());
      // YAML keeps types: ports stay strings, numbers stay numbers, regexes stay intact.
      assertThat(CanonicalForm.readYaml(o.yaml())).as(o.key().toString()).isEqualTo(o.tree());
    }
  }

  @Test
  void theCheckRejectsWhatTheApiServerWouldReject() {
    var snapshot = Fixtures.acme();
    DesiredObject sample =
        IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a"))
            .objects()
            .get(0);
    assertThat(KubernetesValidation.problems(sample.tree())).isEmpty();

    var badName = (ObjectNode) sample.tree();
    ((ObjectNode) badName.path("metadata")).put("name", "Trestle_Cart");
    assertThat(KubernetesValidation.problems(badName))
        .singleElement()
        .asString()
        .contains("metadata.name");

    var tooLong = (ObjectNode) sample.tree();
    ((ObjectNode) tooLong.path("metadata")).put("name", "a".repeat(64));
    assertThat(KubernetesValidation.problems(tooLong)).isNotEmpty();

    var noNamespace = (ObjectNode) sample.tree();
    ((ObjectNode) noNamespace.path("metadata")).remove("namespace");
    assertThat(KubernetesValidation.problems(noNamespace))
        .singleElement()
        .asString()
        .contains("namespace");

    var badLabel = (ObjectNode) sample.tree();
    ((ObjectNode) badLabel.path("metadata").path("labels")).put("trestle.dev/x", "not valid!");
    ((ObjectNode) badLabel.path("metadata").path("labels")).put("-bad/key", "v");
    assertThat(KubernetesValidation.problems(badLabel)).hasSize(2);

    var noGroup = (ObjectNode) sample.tree();
    noGroup.put("apiVersion", "VirtualService");
    noGroup.remove("kind");
    assertThat(KubernetesValidation.problems(noGroup)).hasSize(2);

    var noSpec = (ObjectNode) sample.tree();
    noSpec.remove("spec");
    assertThat(KubernetesValidation.problems(noSpec)).singleElement().asString().contains("spec");
  }

  @Test
  void namesAreShortenedToValidLabelsAndStayDistinct() {
    String longName =
        "a-very-long-resource-name-that-keeps-going-and-going-until-it-is-sixty-three";
    String first = ObjectNames.name(longName, "organizations/o/x/" + longName);
    String second = ObjectNames.name(longName, "organizations/o/y/" + longName);
    assertThat(first).hasSize(63).startsWith("trestle-a-very-long").isNotEqualTo(second);
    assertThat(ObjectNames.isDnsLabel(first)).isTrue();
    assertThat(ObjectNames.name("Shop.Example_Host*", "k"))
        .matches("trestle-shop-example-host-[0-9a-f]{8}");
    assertThat(ObjectNames.name("----", "k")).matches("trestle-[0-9a-f]{8}");
    assertThat(ObjectNames.name("cart", "k")).isEqualTo(ObjectNames.name("cart", "k"));
  }
}
