package dev.trestle.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {
  private static final Path K8S = RepoFiles.docker().resolve("kubernetes");
  private static final Path CENTRAL_DIR = K8S.resolve("central");
  private static final Path EDGE_DIR = K8S.resolve("edge");
  private static final String CENTRAL_LABEL = "app.kubernetes.io/name";
  private static final ConfigNames NAMES = ConfigNames.load(RepoFiles.root());

  private static Path bad(String name) {
    return Path.of(System.getProperty("user.dir")).resolve("src/test/resources/bad").resolve(name);
  }

  private static Container onlyContainer(Deployment d) {
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  @Test
  void everyManifestIsATypedKubernetesObjectWithoutUnknownFields() {
    List<Path> files =
        Stream.of(CENTRAL_DIR, EDGE_DIR).flatMap(d -> Manifests.files(d).stream()).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(9);
    for (Path file : files) {
      for (HasMetadata object : Manifests.load(file)) {
        String what =
            file.getFileName() + ": " + object.getKind() + " " + object.getMetadata().getName();
        assertThat(UnknownFields.find(object)).as(what).isEmpty();
        assertThat(object.getMetadata().getName()).as(what).isNotBlank();
        boolean clusterScoped =
            object instanceof Namespace
                || object instanceof ClusterRole
                || object instanceof ClusterRoleBinding;
        assertThat(object.getMetadata().getNamespace())
            .as(what + " namespace")
            .matches(ns -> clusterScoped == (ns == null));
      }
    }
  }

  @Test
  void misspelledFieldsWrongTypesAndUnknownKindsAreCaught() {
    HasMetadata typos = Manifests.load(bad("deployment-typos.yaml")).get(0);
    assertThat(UnknownFields.find(typos))
        .containsExactlyInAnyOrder(
            "spec: unknown field(s) [replica]",
            "spec.template.spec.containers[0].readinessProbe: unknown field(s) [periodSecond]");
    assertThatThrownBy(() -> Manifests.load(bad("deployment-wrong-type.yaml")))
        .hasMessageContaining("does not parse");
    assertThatThrownBy(() -> Manifests.load(bad("unknown-kind.yaml")))
        .hasMessageContaining("is not a Kubernetes kind fabric8 knows");
  }

  @Test
  void kustomizationsListEveryManifestAndKubectlRendersThemOffline() throws Exception {
    for (Path dir : List.of(CENTRAL_DIR, EDGE_DIR)) {
      JsonNode kustomization = RepoFiles.document(dir.resolve(Manifests.KUSTOMIZATION));
      var listed = new ArrayList<String>();
      for (JsonNode r : kustomization.path("resources")) {
        listed.add(r.asText());
      }
      assertThat(listed)
          .as(dir.toString())
          .containsExactlyInAnyOrderElementsOf(
              Manifests.files(dir).stream().map(f -> dir.relativize(f).toString()).toList());
      Kubectl.Result rendered = Kubectl.kustomize(dir);
      if (rendered != null) { // kubectl on PATH: it needs no API server for kustomize
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        assertThat(rendered.output().lines().filter(l -> l.startsWith("kind: ")).count())
            .isEqualTo(Manifests.loadAll(dir).size());
      }
    }
  }

  @Test
  void centralBootstrapsFromItsLabelledPodsWithProbesOnTheManagementPort() {
    List<HasMetadata> objects = Manifests.loadAll(CENTRAL_DIR);
    Deployment deployment = Manifests.one(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(3);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(CENTRAL_LABEL, "trestle-central");
    Container central = onlyContainer(deployment);
    assertThat(central.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .contains(
            tuple("api", 9080),
            tuple("edge", 9081),
            tuple("management", 8558),
            tuple("remoting", 25520));
    assertHttpProbe(central.getReadinessProbe(), "/health/ready");
    assertHttpProbe(central.getLivenessProbe(), "/health/alive");
    Map<String, EnvVar> env = env(central);
    assertThat(env.get("TRESTLE_CLUSTER_DISCOVERY").getValue()).isEqualTo("kubernetes");
    assertThat(env.get("TRESTLE_STORAGE_PROFILE").getValue()).isEqualTo("postgres");
    assertThat(env.get("TRESTLE_K8S_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(NAMES.unknown(env.keySet(), "central Deployment")).isEmpty();

    // The pod's service account may list the pods of its namespace, and nothing more.
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(Manifests.ofType(objects, ServiceAccount.class))
        .extracting(a -> a.getMetadata().getName())
        .containsExactly(account);
    Role role = Manifests.one(objects, Role.class);
    assertThat(role.getRules()).hasSize(1);
    assertThat(role.getRules().get(0).getResources()).containsExactly("pods");
    assertThat(role.getRules().get(0).getVerbs()).containsExactlyInAnyOrder("get", "watch", "list");
    RoleBinding binding = Manifests.one(objects, RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(account);
            });
  }

  @Test
  void centralReadsThePostgresPasswordFromAMountedSecret() {
    Deployment deployment = Manifests.one(Manifests.loadAll(CENTRAL_DIR), Deployment.class);
    Container central = onlyContainer(deployment);
    assertThat(env(central)).doesNotContainKey("TRESTLE_POSTGRES_PASSWORD");
    String passwordFile = env(central).get("TRESTLE_POSTGRES_PASSWORD_FILE").getValue();
    var mount =
        central.getVolumeMounts().stream()
            .filter(m -> passwordFile.startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow();
    Volume volume = volume(deployment.getSpec().getTemplate().getSpec(), mount.getName());
    assertThat(volume.getSecret().getSecretName()).isEqualTo("trestle-postgres");
    assertThat(volume.getSecret().getItems())
        .singleElement()
        .satisfies(
            i -> assertThat(mount.getMountPath() + "/" + i.getPath()).isEqualTo(passwordFile));
  }

  @Test
  void servicesSelectThePodsAndTargetNamedContainerPorts() {
    for (Path dir : List.of(CENTRAL_DIR, EDGE_DIR)) {
      List<HasMetadata> objects = Manifests.loadAll(dir);
      Deployment deployment = Manifests.one(objects, Deployment.class);
      Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      List<String> portNames =
          onlyContainer(deployment).getPorts().stream().map(ContainerPort::getName).toList();
      for (Service service : Manifests.ofType(objects, Service.class)) {
        assertThat(podLabels)
            .as(service.getMetadata().getName())
            .containsAllEntriesOf(service.getSpec().getSelector());
        for (ServicePort port : service.getSpec().getPorts()) {
          assertThat(portNames)
              .as(service.getMetadata().getName())
              .contains(port.getTargetPort().getStrVal());
        }
      }
    }
    assertThat(Manifests.ofType(Manifests.loadAll(CENTRAL_DIR), Service.class))
        .extracting(s -> s.getSpec().getPorts().get(0).getPort())
        .containsExactlyInAnyOrder(9080, 9081);
  }

  @Test
  void edgeClusterRoleAllowsEveryIstioKindTheTranslatorEmitsAndTheInventoryReads() {
    List<HasMetadata> objects = Manifests.loadAll(EDGE_DIR);
    ClusterRole role = Manifests.one(objects, ClusterRole.class);
    Map<String, List<String>> emitted = TranslatorKinds.resourcesByGroup(RepoFiles.root());
    assertThat(emitted.keySet())
        .containsExactlyInAnyOrder(
            "",
            "extensions.istio.io",
            "networking.istio.io",
            "networking.k8s.io",
            "security.istio.io");
    emitted.forEach(
        (group, resources) -> {
          for (String resource : resources) {
            assertThat(verbs(role, group, resource))
                .as(group + "/" + resource)
                .contains("get", "create", "patch", "delete");
          }
        });
    assertThat(verbs(role, "", "namespaces")).contains("get", "list");
    for (String resource : List.of("services", "endpoints", "nodes")) {
      assertThat(verbs(role, "", resource)).as(resource).contains("list");
    }
    assertThat(role.getRules())
        .allSatisfy(
            r -> assertThat(r.getVerbs()).doesNotContain("*", "update", "deletecollection"));

    Deployment deployment = Manifests.one(objects, Deployment.class);
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    ClusterRoleBinding binding = Manifests.one(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(account));
    Container edge = onlyContainer(deployment);
    assertThat(edge.getArgs()).contains("--kube", "--xds-address=0.0.0.0", "--status-port=8559");
    String tokenFile =
        edge.getArgs().stream()
            .filter(a -> a.startsWith("--token-file="))
            .findFirst()
            .orElseThrow()
            .substring(13);
    var mount =
        edge.getVolumeMounts().stream()
            .filter(m -> tokenFile.startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow();
    assertThat(
            volume(deployment.getSpec().getTemplate().getSpec(), mount.getName())
                .getSecret()
                .getSecretName())
        .isEqualTo("trestle-edge-join-token");
  }

  @Test
  void everyPodRunsAsTheImagesNonRootUserWithoutPrivilegeEscalation() {
    for (Path dir : List.of(CENTRAL_DIR, EDGE_DIR)) {
      Deployment deployment = Manifests.one(Manifests.loadAll(dir), Deployment.class);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
      var container = onlyContainer(deployment).getSecurityContext();
      assertThat(container.getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    }
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe).as(path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  private static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> verbs(ClusterRole role, String group, String resource) {
    return role.getRules().stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .map(PolicyRule::getVerbs)
        .flatMap(List::stream)
        .toList();
  }
}
