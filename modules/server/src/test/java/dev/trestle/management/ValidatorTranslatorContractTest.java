package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObject;
import dev.trestle.translator.IstioTranslator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The contract between the server's validator and the translator: every duration and namespace
 * selector the validator accepts means the same in the translator (the value, or the namespaces
 * picked, written out here by hand), and what it refuses never reaches the translator as something
 * else. The xDS side of durations is {@code XdsDurationsContractTest} in modules/xds, over the
 * forms the translator writes.
 */
class ValidatorTranslatorContractTest {

  /** Durations the validator accepts -> the protobuf JSON form the translator must write. */
  private static final Map<String, String> ACCEPTED_DURATIONS = new LinkedHashMap<>();

  static {
    ACCEPTED_DURATIONS.put("0s", "0s");
    ACCEPTED_DURATIONS.put("2s", "2s");
    ACCEPTED_DURATIONS.put("250ms", "0.250s");
    ACCEPTED_DURATIONS.put("1.5s", "1.500s");
    ACCEPTED_DURATIONS.put("0.5ms", "0.000500s");
    ACCEPTED_DURATIONS.put("1m30s", "90s");
    ACCEPTED_DURATIONS.put("1h", "3600s");
    ACCEPTED_DURATIONS.put("1h1m1s1ms", "3661.001s");
    ACCEPTED_DURATIONS.put("1s1s", "2s");
    ACCEPTED_DURATIONS.put("1.000000001s", "1.000000001s");
    ACCEPTED_DURATIONS.put("0.0000000005s", "0.000000001s"); // half a nanosecond rounds up
    ACCEPTED_DURATIONS.put("2562047h", "9223369200s"); // the largest whole hours in a long of ns
  }

  /** Text the validator must refuse (the translator then leaves the field out). */
  private static final List<String> REFUSED_DURATIONS =
      List.of(
          "2",
          "2 s",
          " 1s",
          "1s ",
          "-1s",
          "1d",
          "1us",
          "1ns",
          "1S",
          ".5s",
          "5.s",
          "1e3s",
          "s",
          "1h-1m",
          "2562048h" /* does not fit a long of nanoseconds */);

  /** Selectors the validator accepts -> the cluster/namespace pairs they pick among c1, c2. */
  private static final Map<String, Set<String>> ACCEPTED_SELECTORS =
      Map.of(
          "c1/shop", Set.of("c1/shop"),
          "*/shop", Set.of("c1/shop", "c2/shop"),
          "c1/*", Set.of("c1/shop", "c1/other"),
          "*/*", Set.of("c1/shop", "c1/other", "c2/shop", "c2/other"));

  private static final List<String> REFUSED_SELECTORS =
      List.of(
          "shop",
          "a/b/c",
          "/shop",
          "c1/",
          "C1/shop",
          "c1/sh_op",
          " c1/shop",
          "c1/shop ",
          "prod-*/shop",
          "*-x/shop",
          "**/shop");

  private static final String BASE =
      """
      apiVersion: trestle.dev/v1
      kind: Organization
      metadata: {name: org}
      ---
      apiVersion: trestle.dev/v1
      kind: Tenant
      metadata: {name: t, organization: org}
      ---
      apiVersion: trestle.dev/v1
      kind: Cluster
      metadata: {name: c1, organization: org}
      ---
      apiVersion: trestle.dev/v1
      kind: Cluster
      metadata: {name: c2, organization: org}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: traffic, organization: org, tenant: t, workspace: ws}
      spec: {type: TRAFFIC}
      """;

  private static final String META = "organization: org, tenant: t, workspace: ws, group: traffic";

  private static String workspace(String selector) {
    return "apiVersion: trestle.dev/v1\nkind: Workspace\n"
        + "metadata: {name: ws, organization: org, tenant: t}\n"
        + "spec: {namespaceSelectors: [\""
        + selector
        + "\"]}\n";
  }

  private static String setting(String name, String service, String timeout) {
    return "apiVersion: trestle.dev/v1\nkind: TrafficSetting\n"
        + "metadata: {name: "
        + name
        + ", "
        + META
        + "}\n"
        + "spec: {service: "
        + service
        + ", timeout: \""
        + timeout
        + "\"}\n";
  }

  private static List<Resource> parse(String... yaml) {
    var out = new ArrayList<Resource>();
    for (String y : yaml) {
      for (ParsedDocument d : ResourceDocuments.parse(y)) {
        assertThat(d.error()).as(d.position()).isNull();
        Resource r = d.resource();
        Kind kind = Kind.byKindName(r.getKind()).orElseThrow();
        var meta =
            r.getMetadata().toBuilder()
                .setFqn(Fqn.of(kind, r.getMetadata()).toString())
                .setVersion(1);
        out.add(r.toBuilder().setMetadata(meta).build());
      }
    }
    return out;
  }

  private static boolean validatorAccepts(Resource r, String field) {
    return ResourceValidator.checkAlone(r).stream().noneMatch(v -> v.field().equals(field));
  }

  private static List<DesiredObject> virtualServices(List<Resource> resources, String cluster) {
    var view =
        new ClusterView(
            cluster, "net", "region", "zone", new TreeSet<>(List.of("shop", "other")), "");
    return IstioTranslator.translate(ConfigSnapshot.of(resources), view).objects().stream()
        .filter(o -> o.key().kind().equals("VirtualService"))
        .toList();
  }

  /** The timeout the translator writes for a setting with {@code timeout}, or null for none. */
  private static String translatedTimeout(String timeout) {
    var resources = parse(BASE, workspace("*/*"), setting("s", "shop/search", timeout));
    var vs = virtualServices(resources, "c1");
    if (vs.isEmpty()) {
      return null;
    }
    assertThat(vs).hasSize(1);
    var t = vs.get(0).tree().at("/spec/http/0/timeout");
    return t.isMissingNode() ? null : t.asText();
  }

  @Test
  void everyDurationTheValidatorAcceptsMeansTheSameInTheTranslator() {
    ACCEPTED_DURATIONS.forEach(
        (text, written) -> {
          var setting = parse(setting("s", "shop/search", text)).get(0);
          assertThat(validatorAccepts(setting, "spec.timeout")).as(text).isTrue();
          assertThat(translatedTimeout(text)).as(text).isEqualTo(written);
        });
  }

  @Test
  void everyDurationTheValidatorRefusesTheTranslatorLeavesOut() {
    for (String text : REFUSED_DURATIONS) {
      var setting = parse(setting("s", "shop/search", text)).get(0);
      assertThat(validatorAccepts(setting, "spec.timeout")).as("'" + text + "'").isFalse();
      assertThat(translatedTimeout(text)).as("'" + text + "'").isNull();
    }
  }

  @Test
  void everySelectorTheValidatorAcceptsPicksTheSameNamespacesInTheTranslator() {
    ACCEPTED_SELECTORS.forEach(
        (selector, picked) -> {
          var ws = parse(workspace(selector)).get(0);
          assertThat(validatorAccepts(ws, "spec.namespaceSelectors[0]")).as(selector).isTrue();
          var resources =
              parse(
                  BASE,
                  workspace(selector),
                  setting("a", "shop/search", "1s"),
                  setting("b", "other/search", "1s"));
          var placed = new TreeSet<String>();
          for (String cluster : List.of("c1", "c2")) {
            virtualServices(resources, cluster)
                .forEach(o -> placed.add(cluster + "/" + o.key().namespace()));
          }
          assertThat(placed).as(selector).containsExactlyInAnyOrderElementsOf(picked);
        });
  }

  @Test
  void everySelectorTheValidatorRefusesIsRefused() {
    for (String selector : REFUSED_SELECTORS) {
      var ws = parse(workspace(selector)).get(0);
      assertThat(validatorAccepts(ws, "spec.namespaceSelectors[0]"))
          .as("'" + selector + "'")
          .isFalse();
    }
  }
}
