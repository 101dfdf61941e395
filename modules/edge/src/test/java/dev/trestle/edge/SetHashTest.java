package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.IstioTranslator;
import dev.trestle.translator.SetHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The edge's set hash must equal the translator's, or every ACK would be for a different set. */
class SetHashTest {

  @Test
  void equalsTheTranslatorsSetHashOnTheExampleConfig() throws Exception {
    var resources = new ArrayList<Resource>();
    try (var files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (ParsedDocument d : ResourceDocuments.parse(Files.readString(f))) {
          assertThat(d.error()).isNull();
          Resource r = d.resource();
          Kind kind = Kind.byKindName(r.getKind()).orElseThrow();
          var meta =
              r.getMetadata().toBuilder()
                  .setFqn(Fqn.of(kind, r.getMetadata()).toString())
                  .setVersion(1);
          resources.add(r.toBuilder().setMetadata(meta).build());
        }
      }
    }
    ConfigSnapshot snapshot = ConfigSnapshot.of(resources);
    Resource cluster = snapshot.get("organizations/acme/clusters/eu-west-1a").orElseThrow();
    DesiredObjects desired =
        IstioTranslator.translate(
            snapshot,
            ClusterView.of(
                cluster,
                Set.of(
                    "checkout",
                    "payments-ingress",
                    "ledger",
                    "storefront",
                    "storefront-ingress",
                    "inventory",
                    "istio-system")));
    assertThat(desired.objects()).isNotEmpty();

    List<EdgeObject> objects = new ArrayList<>();
    for (var o : desired.objects()) {
      objects.add(
          new EdgeObject(o.key(), o.sourceFqn(), o.sourceVersion(), o.json(), o.contentHash()));
      assertThat(SetHash.content(o.json())).isEqualTo(o.contentHash());
    }
    Collections.reverse(objects); // order of arrival must not matter
    assertThat(SetHash.of(objects)).isEqualTo(desired.setHash());
    for (EdgeObject o : objects) {
      assertThat(ObjectValidator.problems(o)).as(o.key().toString()).isEmpty();
    }
  }
}
