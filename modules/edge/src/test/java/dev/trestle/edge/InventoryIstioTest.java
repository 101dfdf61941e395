package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.v1.Inventory;
import org.junit.jupiter.api.Test;

/** The inventory file's {@code istio:} section. */
class InventoryIstioTest {
  @Test
  void readsRevisionsTagsNamespacesAndProxies() throws Exception {
    Inventory inv =
        InventoryFile.parse(
            "f.yaml",
            """
            namespaces: [shop]
            istio:
              revisions:
                - {name: 1-22-1, version: 1.22.1, ready: false}
                - {name: 1-21-3, version: 1.21.3}
              tags: {stable: 1-21-3, canary: 1-22-1}
              namespaces: [{name: shop, rev: stable}, {name: legacy, injection: enabled}]
              proxies:
                - {revision: 1-21-3, version: 1.21.3, count: 12}
                - {version: 1.20.1, count: 1}
            """);
    var istio = inv.getIstio();
    assertThat(istio.getRevisionsList())
        .extracting(r -> r.getName() + " " + r.getVersion() + " " + r.getReady())
        .containsExactly("1-21-3 1.21.3 true", "1-22-1 1.22.1 false");
    assertThat(istio.getTagsList())
        .extracting(t -> t.getTag() + "->" + t.getRevision())
        .containsExactly("canary->1-22-1", "stable->1-21-3");
    assertThat(istio.getNamespacesList())
        .extracting(n -> n.getName() + ":" + n.getRevisionLabel() + ":" + n.getInjectionLabel())
        .containsExactly("legacy::enabled", "shop:stable:");
    assertThat(istio.getProxiesList())
        .extracting(p -> p.getRevision() + " " + p.getVersion() + " x" + p.getCount())
        .containsExactly("1-21-3 1.21.3 x12", "default 1.20.1 x1");
    assertThat(InventoryFile.parse("f.yaml", "namespaces: [shop]").hasIstio()).isFalse();
  }

  @Test
  void everyProblemIsNamedWithItsField() {
    assertThatThrownBy(
            () ->
                InventoryFile.parse(
                    "f.yaml",
                    """
                    istio:
                      revisions: [{name: 1-21-3, versoin: 1.21.3}, {name: 1-21-3}]
                      tags: {stable: 1-99-0}
                      proxies: [{revision: 1-21-3, count: -2}]
                      extra: 1
                    """))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("f.yaml: istio.revisions[0].versoin: unknown field")
        .hasMessageContaining("f.yaml: istio.revisions[1].name: revision 1-21-3 is listed twice")
        .hasMessageContaining(
            "f.yaml: istio.tags.stable: points at '1-99-0', which is not a listed revision")
        .hasMessageContaining("f.yaml: istio.proxies[0].count: '-2' is not a count")
        .hasMessageContaining("f.yaml: istio.extra: unknown field");
  }
}
