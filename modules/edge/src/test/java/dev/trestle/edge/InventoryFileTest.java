package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.v1.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryFileTest {
  @TempDir Path dir;

  @Test
  void readsTheExampleInventory() throws Exception {
    Path example = Path.of("../../examples/edge/c1-inventory.yaml");
    Inventory inv = InventoryFile.parse(example.toString(), Files.readString(example));
    assertThat(inv.getNamespacesList()).contains("shop", "payments");
    assertThat(inv.getServicesList()).isNotEmpty();
    assertThat(inv.getGatewaysList()).extracting(g -> g.getRole()).contains("EAST_WEST");
    assertThat(inv.getLocality().getRegion()).isNotEmpty();
  }

  @Test
  void defaultsHostnameHealthyCountAndNamespaces() throws Exception {
    Inventory inv =
        InventoryFile.parse(
            "f.yaml",
            """
            services:
              - {namespace: shop, name: web, ports: [{port: 80}], endpoints: 2}
            """);
    assertThat(inv.getNamespacesList()).containsExactly("shop");
    assertThat(inv.getServices(0).getHostname()).isEqualTo("web.shop.svc.cluster.local");
    assertThat(inv.getServices(0).getHealthyEndpoints()).isEqualTo(2);
    assertThat(inv.getServices(0).getPorts(0).getProtocol()).isEqualTo("TCP");
  }

  @Test
  void aGatewaysReadyEndpointsAreCarriedAndUnsetWhenNotGiven() throws Exception {
    Inventory inv =
        InventoryFile.parse(
            "f.yaml",
            """
            gateways:
              - {namespace: istio-system, name: eastwest, role: EAST_WEST, addresses: [10.0.0.1],
                 readyEndpoints: 0}
              - {namespace: istio-system, name: ingress, role: INGRESS, addresses: [10.0.0.2]}
            """);
    assertThat(inv.getGateways(0).hasReadyEndpoints()).isTrue();
    assertThat(inv.getGateways(0).getReadyEndpoints()).isZero();
    assertThat(inv.getGateways(1).hasReadyEndpoints()).isFalse();
    assertThatThrownBy(
            () ->
                InventoryFile.parse(
                    "f.yaml",
                    """
                    gateways:
                      - {namespace: istio-system, name: eastwest, role: EAST_WEST, readyEndpoints: -1}
                    """))
        .hasMessageContaining("gateways[0].readyEndpoints: '-1' is not a count");
  }

  @Test
  void emptyFileIsAnEmptyInventory() throws Exception {
    assertThat(InventoryFile.parse("f.yaml", "")).isEqualTo(Inventory.getDefaultInstance());
  }

  @Test
  void everyProblemNamesFileFieldAndWhy() {
    assertThatThrownBy(
            () ->
                InventoryFile.parse(
                    "inv.yaml",
                    """
                    namespces: [shop]
                    services:
                      - namespace: Shop
                        name: web
                        ports: [{name: http, port: 70000, protocol: HTTP3}]
                        endpoints: 1
                        healthyEndpoints: 2
                    gateways:
                      - {namespace: istio-system, name: gw, role: EGRESS}
                    """))
        .isInstanceOf(InventoryException.class)
        .satisfies(
            e ->
                assertThat(((InventoryException) e).problems())
                    .containsExactly(
                        "inv.yaml: namespces: unknown field (expected one of [allowEmpty, gateways,"
                            + " istio, locality, namespaces, network, services, telemetry])",
                        "inv.yaml: services[0].namespace: 'Shop' is not a DNS-1123 label (a-z, 0-9,"
                            + " '-', at most 63)",
                        "inv.yaml: services[0].ports[0].port: 70000 is not a port number (1-65535)",
                        "inv.yaml: services[0].ports[0].protocol: 'HTTP3' is not one of [GRPC,"
                            + " HTTP, HTTP2, HTTPS, TCP, TLS]",
                        "inv.yaml: services[0].healthyEndpoints: 2 is more than endpoints (1)",
                        "inv.yaml: gateways[0].role: 'EGRESS' is not one of INGRESS, EAST_WEST"));
  }

  @Test
  void notYamlIsOneClearError() {
    assertThatThrownBy(() -> InventoryFile.parse("inv.yaml", "services: [\n"))
        .hasMessageStartingWith("inv.yaml: not valid YAML");
  }

  @Test
  void missingFileAtStartIsAnError() {
    assertThatThrownBy(
            () -> FileInventory.open(dir.resolve("nope.yaml"), false, InventoryListener.NONE))
        .isInstanceOf(InventoryException.class)
        .hasMessageEndingWith("nope.yaml: cannot read: no such file");
  }

  @Test
  void emptyFileAtStartIsRefusedUnlessTheEmptinessIsExplicit() throws Exception {
    Path file = dir.resolve("empty.yaml");
    Files.writeString(file, "");
    assertThatThrownBy(() -> FileInventory.open(file, false, InventoryListener.NONE))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("empty.yaml: the file is empty")
        .hasMessageContaining("allowEmpty: true");
    Files.writeString(file, "# nothing yet\nnetwork: net-1\n");
    assertThatThrownBy(() -> FileInventory.open(file, false, InventoryListener.NONE))
        .hasMessageContaining("lists no namespaces, services or gateways");

    assertThat(FileInventory.open(file, true, InventoryListener.NONE).current().getServicesCount())
        .isZero();
    Files.writeString(file, "allowEmpty: true\n");
    assertThat(
            FileInventory.open(file, false, InventoryListener.NONE).current().getNamespacesCount())
        .isZero();
  }

  @Test
  void allowEmptyMustBeABoolean() {
    assertThatThrownBy(() -> InventoryFile.parse("inv.yaml", "allowEmpty: sure\n"))
        .hasMessageContaining("inv.yaml: allowEmpty: must be true or false");
  }

  @Test
  void addressesStayLocalAndGiveTheCounts() throws Exception {
    var parsed =
        InventoryFile.parseWithAddresses(
            "f.yaml",
            """
            locality: {region: r1, zone: z1}
            services:
              - namespace: shop
                name: web
                ports: [{name: grpc, port: 50051, protocol: GRPC}, {name: admin, port: 9901}]
                labels: {app: web}
                addresses:
                  - {address: 10.0.0.1, port: 18080, labels: {version: v1}}
                  - {address: 10.0.0.2, ports: {grpc: 28080}, healthy: false}
            """);
    var service = parsed.inventory().getServices(0);
    assertThat(service.getEndpoints()).isEqualTo(2);
    assertThat(service.getHealthyEndpoints()).isEqualTo(1);
    // the proto sent to central has counts only
    assertThat(parsed.inventory().toString()).doesNotContain("10.0.0.1");
    var local = parsed.local("organizations/acme/clusters/c1");
    assertThat(local.cluster()).isEqualTo("c1");
    assertThat(local.region()).isEqualTo("r1");
    var eps = local.services().get(0).endpoints();
    assertThat(eps).hasSize(2);
    assertThat(eps.get(0).labels()).containsEntry("version", "v1");
    assertThat(eps.get(0).targetPort(local.services().get(0).ports().get(0))).isEqualTo(18080);
    assertThat(eps.get(1).targetPort(local.services().get(0).ports().get(0))).isEqualTo(28080);
    assertThat(eps.get(1).targetPort(local.services().get(0).ports().get(1))).isEqualTo(9901);
    assertThat(eps.get(1).healthy()).isFalse();
  }

  @Test
  void addressProblemsAreReportedByField() {
    assertThatThrownBy(
            () ->
                InventoryFile.parse(
                    "f.yaml",
                    """
                    services:
                      - namespace: shop
                        name: web
                        ports: [{name: http, port: 80}]
                        endpoints: 3
                        addresses:
                          - {address: 10.0.0.1, port: 70000, healthy: maybe, zone: x}
                          - {ports: {grpc: 1}}
                    """))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("services[0].addresses[0].port: '70000' is not a port number")
        .hasMessageContaining("services[0].addresses[0].healthy: must be true or false")
        .hasMessageContaining("services[0].addresses[0].zone: unknown field")
        .hasMessageContaining("services[0].addresses[1].address: is required")
        .hasMessageContaining(
            "services[0].addresses[1].ports.grpc: the service has no port named 'grpc'");
    assertThatThrownBy(
            () ->
                InventoryFile.parse(
                    "f.yaml",
                    """
                    services:
                      - namespace: shop
                        name: web
                        ports: [{name: http, port: 80}]
                        endpoints: 3
                        healthyEndpoints: 0
                        addresses: [{address: 10.0.0.1}]
                    """))
        .hasMessageContaining(
            "f.yaml: services[0].endpoints: 3 differs from the 1 addresses listed")
        .hasMessageContaining(
            "f.yaml: services[0].healthyEndpoints: 0 differs from the 1 healthy addresses listed")
        .isInstanceOf(InventoryException.class);
  }
}
