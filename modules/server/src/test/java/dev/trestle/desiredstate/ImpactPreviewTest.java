package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredFixtures.cluster;
import static dev.trestle.desiredstate.DesiredFixtures.clusterResource;
import static dev.trestle.desiredstate.DesiredFixtures.organization;
import static dev.trestle.desiredstate.DesiredFixtures.route;
import static dev.trestle.desiredstate.DesiredFixtures.serviceRoute;
import static dev.trestle.desiredstate.DesiredFixtures.tenant;
import static dev.trestle.desiredstate.DesiredFixtures.trafficGroup;
import static dev.trestle.desiredstate.DesiredFixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.desiredstate.ImpactPreview.Change;
import dev.trestle.desiredstate.ImpactPreview.ClusterImpact;
import dev.trestle.desiredstate.ImpactPreview.ObjectImpact;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.MeshCatalog;
import dev.trestle.translator.WafModule;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The impact preview over real desired-state tables (H2): the tables hold the acme example as the
 * projection would have stored it (each cluster's objects are its translation), then a proposed
 * change is previewed.
 */
class ImpactPreviewTest {
  private static final String C1 = cluster("acme", "c1");
  private static final String C2 = cluster("acme", "c2");
  private static final MeshCatalog.Reachability ALL = MeshCatalog.Reachability.ALL;

  private ReadModelDatabase db;
  private Connection c;

  @BeforeEach
  void setUp() throws Exception {
    db =
        new ReadModelDatabase(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2);
    c = db.connection();
    DesiredStateSchema.migrate(c);
    List<Resource> config = new ArrayList<>();
    for (ResourceSnapshot s :
        List.of(
            organization("acme"),
            tenant("acme"),
            workspace("acme", "c1/shop", "*/payments"),
            trafficGroup("acme", ""),
            serviceRoute("acme", "cart", "shop/cart", 90),
            serviceRoute("acme", "pay", "payments/pay", 50),
            clusterResource("acme", "c1", "one"),
            clusterResource("acme", "c2", "two"))) {
      Resource r = DesiredStateHandler.resourceOf(s, 1);
      config.add(r);
      DesiredStateTables.putResource(c, "acme", r);
    }
    store(ConfigSnapshot.of(config), row(C1, "shop", "payments"), row(C2, "payments", "other"));
  }

  @AfterEach
  void tearDown() throws Exception {
    c.close();
    db.close();
  }

  private static ClusterRow row(String fqn, String... namespaces) {
    return new ClusterRow(
        fqn, "acme", true, 3, DesiredStateHandler.EMPTY_SET_HASH, 0, List.of(namespaces));
  }

  /** Stores the rows and, as each cluster's current objects, its translation of {@code config}. */
  private void store(ConfigSnapshot config, ClusterRow... rows) throws Exception {
    for (ClusterRow row : rows) {
      DesiredStateTables.saveCluster(c, row);
    }
    for (ClusterRow row : rows) {
      DesiredObjects objects =
          ClusterTranslation.translate(
              config,
              config.get(row.fqn()).orElseThrow(),
              row,
              MeshClusters.of(row, config.get(row.fqn())),
              List.of(),
              ALL,
              WafModule.NONE,
              List.of());
      assertThat(objects.objects()).isNotEmpty();
      DesiredObjectTables.insertObjects(
          c, row.fqn(), objects.objects().stream().map(StoredObject::of).toList());
    }
  }

  private ImpactPreview.Result preview(ResourceSnapshot proposed, long version) throws Exception {
    return ImpactPreview.compute(
        c,
        List.of(DesiredStateHandler.resourceOf(proposed, version)),
        new DesiredStateSettings(1, ALL));
  }

  @Test
  void aWeightChangeShowsTheChangedObjectsOfTheOneClusterServingTheRoute() throws Exception {
    var result = preview(serviceRoute("acme", "cart", "shop/cart", 50), 2);

    // c1 has shop, c2 is examined (the workspace selects */payments there) but does not change.
    assertThat(result.examined()).isEqualTo(2);
    assertThat(result.clusters()).extracting(ClusterImpact::cluster).containsExactly(C1);
    ClusterImpact impact = result.clusters().get(0);
    assertThat(impact.currentVersion()).isEqualTo(3);
    assertThat(impact.objects()).isNotEmpty().allMatch(o -> o.change() == Change.CHANGED);
    assertThat(impact.objects()).allMatch(o -> o.sourceFqn().equals(route("acme", "cart")));
    ObjectImpact vs =
        impact.objects().stream()
            .filter(o -> o.key().kind().equals("VirtualService"))
            .findFirst()
            .orElseThrow();
    assertThat(weights(vs.beforeJson())).isEqualTo("[90,10]");
    assertThat(weights(vs.afterJson())).isEqualTo("[50,50]");
  }

  private static String weights(String virtualServiceJson) {
    var routes =
        CanonicalJson.parse(virtualServiceJson).path("spec").path("http").path(0).path("route");
    var out = new ArrayList<Integer>();
    routes.forEach(r -> out.add(r.path("weight").asInt()));
    return out.toString().replace(" ", "");
  }

  @Test
  void aNewRouteShowsCreatedObjectsAndStoresNothing() throws Exception {
    var before = DesiredObjectTables.loadObjects(c, C2);

    var result = preview(serviceRoute("acme", "ledger", "payments/ledger", 70), 1);

    // payments is on both clusters: both get the new route's objects.
    assertThat(result.clusters()).extracting(ClusterImpact::cluster).containsExactly(C1, C2);
    for (ClusterImpact impact : result.clusters()) {
      assertThat(impact.objects()).isNotEmpty().allMatch(o -> o.change() == Change.CREATED);
      assertThat(impact.objects()).allMatch(o -> o.beforeJson().isEmpty());
      assertThat(impact.objects())
          .allMatch(
              o -> o.afterJson().contains("ledger") && o.key().namespace().equals("payments"));
    }
    assertThat(DesiredObjectTables.loadObjects(c, C2)).isEqualTo(before);
    assertThat(DesiredStateTables.readResource(c, route("acme", "ledger"))).isEmpty();
  }

  @Test
  void anUnchangedTranslationListsNoCluster() throws Exception {
    // The stored version itself: the same inputs translate to the same objects (the version is in
    // the objects' annotations, so any new version shows as a change).
    var result = preview(serviceRoute("acme", "cart", "shop/cart", 90), 1);

    assertThat(result.examined()).isEqualTo(2);
    assertThat(result.clusters()).isEmpty();
  }

  @Test
  void deletingARouteShowsItsObjectsDeletedWhereItWasAndStoresNothing() throws Exception {
    var before = DesiredObjectTables.loadObjects(c, C1);
    var cartObjects =
        before.values().stream().filter(o -> o.sourceFqn().equals(route("acme", "cart"))).toList();
    assertThat(cartObjects).isNotEmpty();

    var result =
        ImpactPreview.computeDeletes(
            c, List.of(route("acme", "cart")), new DesiredStateSettings(1, ALL));

    assertThat(result.examined()).isEqualTo(2);
    assertThat(result.clusters()).extracting(ClusterImpact::cluster).containsExactly(C1);
    List<ObjectImpact> objects = result.clusters().get(0).objects();
    assertThat(objects).allMatch(o -> o.change() == Change.DELETED && o.afterJson().isEmpty());
    assertThat(objects)
        .extracting(ObjectImpact::key)
        .containsExactlyInAnyOrderElementsOf(cartObjects.stream().map(StoredObject::key).toList());
    assertThat(DesiredObjectTables.loadObjects(c, C1)).isEqualTo(before);
    assertThat(DesiredStateTables.readResource(c, route("acme", "cart"))).isPresent();
  }

  @Test
  void deletingAClusterShowsEveryObjectItHasDeleted() throws Exception {
    var current = DesiredObjectTables.loadObjects(c, C2);

    var result = ImpactPreview.computeDeletes(c, List.of(C2), new DesiredStateSettings(1, ALL));

    ClusterImpact c2 =
        result.clusters().stream().filter(i -> i.cluster().equals(C2)).findFirst().orElseThrow();
    assertThat(c2.objects()).hasSize(current.size()).allMatch(o -> o.change() == Change.DELETED);
  }

  @Test
  void diffNamesDeletedObjects() throws Exception {
    var current = DesiredObjectTables.loadObjects(c, C1);
    var empty = new DesiredObjects(C1, List.of(), DesiredStateHandler.EMPTY_SET_HASH, List.of());

    List<ObjectImpact> diff = ImpactPreview.diff(current, empty);

    assertThat(diff).hasSize(current.size()).allMatch(o -> o.change() == Change.DELETED);
    assertThat(diff.get(0).beforeJson()).isEqualTo(current.get(diff.get(0).key()).json());
    assertThat(diff).extracting(ObjectImpact::key).containsExactlyElementsOf(current.keySet());
  }
}
