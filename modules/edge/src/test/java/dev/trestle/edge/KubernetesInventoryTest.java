package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes inventory against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesInventoryTest {
  KubernetesClient client;
  private final List<String> rejected = new ArrayList<>();
  private int accepted;
  private final InventoryListener listener =
      new InventoryListener() {
        @Override
        public void rejected(String why, boolean suspect) {
          rejected.add((suspect ? "suspect: " : "") + why);
        }

        @Override
        public void accepted() {
          accepted++;
        }
      };

  @BeforeEach
  void cluster() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  private void wipe() {
    client.services().inNamespace("shop").withName("web").delete();
    client.namespaces().withName("shop").delete();
  }

  @Test
  void anApiServerAnsweringNothingIsSuspectAndTheLastGoodInventoryIsKept() {
    var inventory = new KubernetesInventory(client, false, listener);
    assertThat(inventory.current().getServicesCount()).isEqualTo(1);

    wipe();
    var kept = inventory.current();
    assertThat(kept.getServicesCount()).isEqualTo(1);
    assertThat(kept.getNamespacesList()).containsExactly("shop");
    assertThat(rejected)
        .singleElement()
        .asString()
        .startsWith("suspect: suspect inventory from Kubernetes")
        .contains("lists no namespaces, services or gateways")
        .contains("--allow-empty-inventory");
    inventory.current();
    assertThat(rejected).hasSize(1); // said once

    cluster();
    assertThat(inventory.current().getServicesCount()).isEqualTo(1);
    assertThat(accepted).isEqualTo(1);
  }

  @Test
  void everyServiceGoneAtOnceIsSuspect() {
    var inventory = new KubernetesInventory(client, false, listener);
    inventory.current();
    client.services().inNamespace("shop").withName("web").delete();
    assertThat(inventory.current().getServicesCount()).isEqualTo(1);
    assertThat(rejected).singleElement().asString().contains("drops every service at once");
  }

  @Test
  void withAllowEmptyInventoryAnEmptyAnswerIsReported() {
    var inventory = new KubernetesInventory(client, true, listener);
    inventory.current();
    wipe();
    assertThat(inventory.current().getServicesCount()).isZero();
    assertThat(rejected).isEmpty();
  }
}
