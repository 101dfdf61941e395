package dev.trestle.edge.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * What the edge sends to relabel a namespace, as an API server that takes server-side apply sees it
 * (fabric8's mock server in expectations mode, which records the request).
 */
@EnableKubernetesMockClient
class NamespaceRevisionApplyRequestTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theLabelAloneIsServerSideAppliedUnderItsOwnFieldManager() throws Exception {
    var shop = new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build();
    // the client reads the object before patching it (so a missing namespace is never created)
    server.expect().get().withPath("/api/v1/namespaces/shop").andReturn(200, shop).always();
    server
        .expect()
        .patch()
        .withPath("/api/v1/namespaces/shop?fieldManager=trestle-revision-rollout&force=true")
        .andReturn(
            200, new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .once();

    NamespaceRevisionApplier.apply(
        client, NamespaceRevisionsTest.revision("shop", "canary", "").json(), false);

    RecordedRequest request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("PATCH");
    assertThat(request.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
    assertThat(new ObjectMapper().readTree(request.getUtf8Body()))
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\","
                        + "\"labels\":{\"istio.io/rev\":\"canary\"}}}"));
  }
}
