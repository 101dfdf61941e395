package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.Nack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version carrying an object Istio's API server would refuse is refused whole at the edge (no
 * central, no translator): the NACK names the object, the field and the schema rule, and the last
 * good state keeps running.
 */
class DesiredStateApplierSchemaTest {
  @TempDir Path dir;

  /** A VirtualService whose destination has a misspelt field ({@code prot} for {@code port}). */
  private static DesiredObject misspelt() {
    DesiredObject good = TestObjects.virtualService("shop", "bad", "^/a");
    var tree = (ObjectNode) TestObjects.JSON.valueToTree(parse(good.getJson()));
    ((ObjectNode) tree.at("/spec/http/0/route/0/destination")).putObject("prot").put("number", 80);
    return TestObjects.object(tree, good.getSourceFqn());
  }

  private static Object parse(String json) {
    try {
      return TestObjects.JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSchemaInvalidObjectIsNackedWithItsFieldAndRuleAndTheLastGoodStateStays() throws Exception {
    var store = new StateStore(dir.resolve("state"), "c1", Clock.systemUTC());
    var target = new DirectoryTarget(dir.resolve("out"), "c1");
    var applier = new DesiredStateApplier(target, store, AppliedState.EMPTY);

    DesiredObject web = TestObjects.virtualService("shop", "web", "^/api/.*");
    var first = applier.snapshot(TestObjects.snapshot(1, web).getSnapshot());
    assertThat(first).isInstanceOf(Outcome.Applied.class);
    Path webFile = dir.resolve("out/shop/virtualservice-web.yaml");
    String before = Files.readString(webFile);

    DesiredObject web2 = TestObjects.virtualService("shop", "web", "^/v2/.*");
    var second = applier.snapshot(TestObjects.snapshot(2, web2, misspelt()).getSnapshot());

    assertThat(second).isInstanceOf(Outcome.Rejected.class);
    Nack nack = ((Outcome.Rejected) second).nack();
    assertThat(nack.getVersion()).isEqualTo(2);
    assertThat(nack.getKeptVersion()).isEqualTo(1);
    assertThat(nack.getReason())
        .isEqualTo(
            "VirtualService shop/bad: spec.http[0].route[0].destination.prot: property 'prot' is"
                + " not defined in the schema and the schema does not allow additional properties"
                + " [additionalProperties]");
    assertThat(nack.getErrorsList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey().getName()).isEqualTo("bad");
              assertThat(e.getMessage())
                  .contains("spec.http[0].route[0].destination.prot")
                  .contains("[additionalProperties]");
            });
    assertThat(applier.state().version()).isEqualTo(1);
    assertThat(store.load().version()).isEqualTo(1);
    assertThat(Files.readString(webFile)).isEqualTo(before);
    assertThat(dir.resolve("out/shop/virtualservice-bad.yaml")).doesNotExist();
  }

  @Test
  void aSchemaInvalidEnvoyFilterPatchIsNacked() {
    var applier =
        new DesiredStateApplier(
            new DirectoryTarget(dir.resolve("out"), "c1"),
            new StateStore(dir.resolve("state"), "c1", Clock.systemUTC()),
            AppliedState.EMPTY);
    ObjectNode ef = TestObjects.JSON.createObjectNode();
    ef.put("apiVersion", "networking.istio.io/v1alpha3").put("kind", "EnvoyFilter");
    ef.putObject("metadata").put("name", "rl").put("namespace", "shop");
    ObjectNode patch = ef.putObject("spec").putArray("configPatches").addObject();
    patch.put("applyTo", "HTTP_FILTER");
    ObjectNode value =
        patch.putObject("patch").put("operation", "INSERT_BEFORE").putObject("value");
    value.put("name", "envoy.filters.http.local_ratelimit");
    value
        .putObject("typed_config")
        .put(
            "@type",
            "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit")
        .put("stats_prefix", "misspelt");
    var outcome =
        applier.snapshot(
            TestObjects.snapshot(
                    1,
                    TestObjects.object(
                        ef, "organizations/acme/tenants/t/workspaces/w/groups/g/ratelimits/rl"))
                .getSnapshot());
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).nack().getReason())
        .startsWith("EnvoyFilter shop/rl: spec.configPatches[0].patch.value: ")
        .contains("stats_prefix");
    assertThat(applier.state()).isEqualTo(AppliedState.EMPTY);
  }
}
