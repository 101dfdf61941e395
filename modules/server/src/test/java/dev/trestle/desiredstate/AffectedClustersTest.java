package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredFixtures.cluster;
import static dev.trestle.desiredstate.DesiredFixtures.clusterResource;
import static dev.trestle.desiredstate.DesiredFixtures.organization;
import static dev.trestle.desiredstate.DesiredFixtures.tenant;
import static dev.trestle.desiredstate.DesiredFixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.desiredstate.AffectedClusters.Change;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ConfigSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which clusters a Cluster's creation or deletion re-translates. */
class AffectedClustersTest {
  private static final String C1 = cluster("acme", "c1");
  private static final String C2 = cluster("acme", "c2");
  private static final String C3 = cluster("acme", "c3");

  private static ConfigSnapshot config(String... workspaceSelectors) {
    return ConfigSnapshot.of(
        List.of(
            resource(organization("acme")),
            resource(tenant("acme")),
            resource(workspace("acme", workspaceSelectors)),
            resource(clusterResource("acme", "c1", "one")),
            resource(clusterResource("acme", "c2", "two"))));
  }

  private static Resource resource(dev.trestle.management.ResourceSnapshot s) {
    return DesiredStateHandler.resourceOf(s, 1);
  }

  private static Map<String, String> present(String... fqns) {
    var out = new TreeMap<String, String>();
    for (String f : fqns) {
      out.put(Fqn.parse(f).name(), f);
    }
    return out;
  }

  @Test
  void aNewClusterThatNamesNoNewCallerNamespaceIsTheOnlyOneTranslated() {
    var before = config("c1/shop", "*/payments");
    var after = before.with(resource(clusterResource("acme", "c3", "three")));

    assertThat(
            AffectedClusters.of(Fqn.parse(C3), Change.CREATED, before, after, present(C1, C2, C3)))
        .containsExactly(C3);
  }

  @Test
  void aNewClusterThatALiteralSelectorNamesReTranslatesTheOrganization() {
    var before = config("c1/shop", "c3/ledger");
    var after = before.with(resource(clusterResource("acme", "c3", "three")));

    assertThat(
            AffectedClusters.of(Fqn.parse(C3), Change.CREATED, before, after, present(C1, C2, C3)))
        .containsExactly(C1, C2, C3);
  }

  @Test
  void deletingAClusterReTranslatesTheOthersOnlyWhenALiteralSelectorNamedIt() {
    // "*/ledger" names ledger callers through c1 and c2 alike: deleting c2 changes nothing...
    var before = config("c1/shop", "*/ledger");
    var after = before.without(Fqn.parse(C2));
    assertThat(AffectedClusters.of(Fqn.parse(C2), Change.DELETED, before, after, present(C1)))
        .isEmpty();
    // ...but "c2/ledger" is only resolvable while c2 exists.
    var literal = config("c1/shop", "c2/ledger");
    assertThat(
            AffectedClusters.of(
                Fqn.parse(C2),
                Change.DELETED,
                literal,
                literal.without(Fqn.parse(C2)),
                present(C1)))
        .containsExactly(C1);
  }
}
