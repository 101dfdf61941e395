package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Builds snapshots from Trestle YAML (inline or the acme examples) and the example clusters. */
final class Fixtures {
  static final Path EXAMPLES =
      Path.of(System.getProperty("trestle.examples.dir", "../../examples/acme"));
  static final Path GOLDEN =
      Path.of(System.getProperty("trestle.golden.dir", "src/test/resources/golden"));

  /**
   * A WAF module pin for tests (the server's is {@code trestle.policy.waf.*}); the digest is a test
   * value, not the published image's.
   */
  static final WafModule WAF =
      new WafModule(
          "oci://ghcr.io/corazawaf/coraza-proxy-wasm:0.5.0",
          "3f1d5a0c7b2e94d8a6c1f0e9b8d7c6a5e4f3d2c1b0a9f8e7d6c5b4a3f2e1d0c9");

  /** Namespaces of the three example clusters, as their edges would report them. */
  static final Map<String, Set<String>> ACME_NAMESPACES =
      Map.of(
          // Primary EU cluster: every workspace runs here, including the EU-only ledger, plus
          // finance reporting (a ledger reader outside any workspace).
          "eu-west-1a",
          Set.of(
              "checkout",
              "payments-ingress",
              "payments-egress",
              "ledger",
              "storefront",
              "storefront-ingress",
              "inventory",
              "finance-reporting",
              "monitoring",
              "istio-system",
              "kube-system",
              "default"),
          // Second EU zone: no inventory replica (the inventory workspace names 1a and us only).
          "eu-west-1b",
          Set.of(
              "checkout",
              "payments-ingress",
              "payments-egress",
              "ledger",
              "storefront",
              "storefront-ingress",
              "monitoring",
              "istio-system",
              "kube-system",
              "default"),
          // US: no ledger (EU data residency), no finance reporting.
          "us-east-1a",
          Set.of(
              "checkout",
              "payments-ingress",
              "payments-egress",
              "storefront",
              "storefront-ingress",
              "inventory",
              "monitoring",
              "istio-system",
              "kube-system",
              "default"));

  private Fixtures() {}

  /** Parses documents, failing the test on any error, and stamps FQN and version 1. */
  static List<Resource> parse(String yaml) {
    var out = new ArrayList<Resource>();
    for (ParsedDocument d : ResourceDocuments.parse(yaml)) {
      assertThat(d.error()).as(d.position()).isNull();
      out.add(stamp(d.resource(), 1));
    }
    return out;
  }

  static Resource stamp(Resource r, long version) {
    Kind kind = Kind.byKindName(r.getKind()).orElseThrow();
    var meta =
        r.getMetadata().toBuilder()
            .setFqn(Fqn.of(kind, r.getMetadata()).toString())
            .setVersion(version);
    return r.toBuilder().setMetadata(meta).build();
  }

  private static List<Resource> acme;

  /** The example resources, read once per test JVM (protobuf messages are immutable). */
  static synchronized List<Resource> acmeResources() {
    if (acme == null) {
      acme = List.copyOf(readAcme());
    }
    return acme;
  }

  private static List<Resource> readAcme() {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      var out = new ArrayList<Resource>();
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.addAll(parse(Files.readString(f)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigSnapshot acme() {
    return ConfigSnapshot.of(acmeResources());
  }

  static List<String> acmeClusters() {
    return new ArrayList<>(new TreeSet<>(ACME_NAMESPACES.keySet()));
  }

  static ClusterView acmeView(ConfigSnapshot snapshot, String cluster) {
    Resource resource = snapshot.get("organizations/acme/clusters/" + cluster).orElseThrow();
    return ClusterView.of(resource, ACME_NAMESPACES.get(cluster));
  }

  static ClusterView view(String cluster, String... namespaces) {
    return new ClusterView(
        cluster, "net", "region", "zone", new TreeSet<>(List.of(namespaces)), "");
  }

  /**
   * Objects of one kind in one namespace. Every object of {@code out} must pass Istio's schemas
   * first, so each test that looks at an output also checks all of it.
   */
  static List<DesiredObject> objects(DesiredObjects out, String kind, String namespace) {
    IstioSchemaCheck.assertAdmitted(out);
    return out.objects().stream()
        .filter(o -> o.key().kind().equals(kind) && o.key().namespace().equals(namespace))
        .toList();
  }

  static DesiredObject only(DesiredObjects out, String kind, String namespace) {
    var found = objects(out, kind, namespace);
    assertThat(found).as(kind + " in " + namespace).hasSize(1);
    return found.get(0);
  }

  /** Organization, tenant and cluster every inline snapshot needs. */
  static final String BASE =
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
      """;

  static ConfigSnapshot snapshot(String... yaml) {
    var all = new ArrayList<Resource>(parse(BASE));
    for (String y : yaml) {
      all.addAll(parse(y));
    }
    return ConfigSnapshot.of(all);
  }
}
