package dev.trestle.edge.istio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.edge.InventoryListener;
import dev.trestle.edge.KubernetesInventory;
import dev.trestle.protocol.v1.IstioInventory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster's Istio as the --kube inventory reports it, against fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesIstioTest {
  KubernetesClient client;

  @BeforeEach
  void cluster() {
    IstioCluster.create(client);
  }

  private IstioInventory istio() {
    return new KubernetesInventory(client, false, InventoryListener.NONE).current().getIstio();
  }

  @Test
  void reportsRevisionsWithVersionAndReadiness() {
    assertThat(istio().getRevisionsList())
        .extracting(
            r ->
                r.getName()
                    + " "
                    + r.getVersion()
                    + " "
                    + r.getReadyReplicas()
                    + "/"
                    + r.getReplicas()
                    + " "
                    + r.getReady())
        .containsExactly("1-21-3 1.21.3 2/2 true", "1-22-1 1.22.1 0/1 false");
  }

  @Test
  void reportsTagsFromTheTagWebhooks() {
    assertThat(istio().getTagsList())
        .extracting(t -> t.getTag() + "->" + t.getRevision())
        .containsExactly("canary->1-22-1", "stable->1-21-3");
  }

  @Test
  void reportsOnlyNamespacesWithAnIstioLabel() {
    assertThat(istio().getNamespacesList())
        .extracting(
            n -> n.getName() + " rev=" + n.getRevisionLabel() + " inj=" + n.getInjectionLabel())
        .containsExactly(
            "legacy rev= inj=enabled", "payments rev=stable inj=", "shop rev=stable inj=");
  }

  @Test
  void countsInjectedProxiesPerRevisionAndVersion() {
    assertThat(istio().getProxiesList())
        .extracting(p -> p.getRevision() + " " + p.getVersion() + " x" + p.getCount())
        .containsExactly("1-21-3 1.19.0 x1", "1-21-3 1.21.3 x2", "default 1.21.3 x1");
  }

  @Test
  void theReportIsStableAcrossReads() {
    var inventory = new KubernetesInventory(client, false, InventoryListener.NONE);
    assertThat(inventory.current()).isEqualTo(inventory.current());
  }

  @Test
  void imageVersionsDropTheRegistryAndVariant() {
    assertThat(
            List.of(
                IstioFacts.imageVersion("docker.io/istio/proxyv2:1.22.1-distroless"),
                IstioFacts.imageVersion("localhost:5000/istio/pilot:1.20.0"),
                IstioFacts.imageVersion("localhost:5000/istio/pilot"),
                IstioFacts.imageVersion("gcr.io/istio/pilot@sha256:abc")))
        .containsExactly("1.22.1", "1.20.0", "", "");
  }
}
