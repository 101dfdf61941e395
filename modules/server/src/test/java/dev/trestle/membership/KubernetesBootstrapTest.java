package dev.trestle.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import dev.trestle.app.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.discovery.kubernetes.KubernetesApiServiceDiscovery;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.junit.jupiter.api.Test;

/**
 * discovery = kubernetes, checked as far as it goes without a Kubernetes API: the configuration
 * resolves to cluster bootstrap over the Kubernetes API discovery of trestle-central pods, and
 * bootstrap starts (and, with no API to ask, the node is never Up and says why).
 */
class KubernetesBootstrapTest {

  @Test
  void kubernetesDiscoveryStartsClusterBootstrapOverTheKubernetesApi() throws Exception {
    Path dir = Files.createTempDirectory("trestle-k8s-");
    Path conf = dir.resolve("k8s.conf");
    // What a pod has mounted: the API's CA certificate (any PEM certificate will do: the central's
    // self-signed TLS mode makes one), a token and the namespace.
    TlsContexts.server(new Settings.TlsSettings("self-signed", null, ""), dir);
    Files.writeString(dir.resolve("token"), "not-a-real-token\n");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "trestle.cluster.discovery = kubernetes",
            "pekko.discovery.kubernetes-api.api-ca-path = \"" + dir.resolve("tls/ca.pem") + "\"",
            "pekko.discovery.kubernetes-api.api-token-path = \"" + dir.resolve("token") + "\"",
            "pekko.discovery.kubernetes-api.pod-namespace = trestle",
            ""));
    Config config =
        Settings.load(
            new ServerArgs(
                Optional.of(conf),
                Optional.of(dir),
                Optional.of(0),
                Optional.of(0),
                Optional.of(0)));
    assertThat(
            config.getString(
                "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    assertThat(
            config.getString(
                "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"))
        .isEqualTo("trestle-central");
    assertThat(config.getString("pekko.discovery.kubernetes-api.pod-label-selector"))
        .isEqualTo("app.kubernetes.io/name=%s");
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "trestle", config);
    try {
      // Central builds the management routes before it waits: that gives bootstrap its contact
      // point.
      PekkoManagement.get(system.classicSystem()).getRoutes();
      var formation = ClusterFormation.start(system, MembershipSettings.from(config));
      var bootstrap = ClusterBootstrap.get(system.classicSystem());
      assertThat(bootstrap.discovery()).isInstanceOf(KubernetesApiServiceDiscovery.class);
      assertThat(bootstrap.settings().contactPointDiscovery().effectiveName(system.classicSystem()))
          .startsWith("trestle-central");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          system
                              .classicSystem()
                              .actorSelection("/system/bootstrapCoordinator")
                              .resolveOne(Duration.ofSeconds(2))
                              .toCompletableFuture()
                              .get(5, TimeUnit.SECONDS))
                      .isNotNull());
      assertThatThrownBy(() -> formation.awaitUp(Duration.ofSeconds(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "Kubernetes API discovery of pods labelled app.kubernetes.io/name=trestle-central");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      delete(dir);
    }
  }

  @Test
  void kubernetesDiscoveryOutsideAPodFailsWithAReason() throws Exception {
    Path dir = Files.createTempDirectory("trestle-k8s-");
    Path conf = dir.resolve("k8s.conf");
    Files.writeString(
        conf,
        "trestle.cluster.discovery = kubernetes\n"
            + "pekko.discovery.kubernetes-api.api-ca-path = \""
            + dir.resolve("missing-ca.crt")
            + "\"\n");
    Config config =
        Settings.load(
            new ServerArgs(
                Optional.of(conf),
                Optional.of(dir),
                Optional.of(0),
                Optional.of(0),
                Optional.of(0)));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "trestle", config);
    try {
      assertThatThrownBy(() -> ClusterFormation.start(system, MembershipSettings.from(config)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "trestle.cluster.discovery = kubernetes: cannot set up Kubernetes API discovery")
          .hasMessageContaining("missing-ca.crt")
          .hasMessageEndingWith("run inside a pod with its service account mounted");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      delete(dir);
    }
  }

  private static void delete(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
