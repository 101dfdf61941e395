package dev.trestle.edge;

import dev.trestle.edge.istio.KubernetesIstio;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.Locality;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory read from the Kubernetes API on every heartbeat: namespaces; every Service with its
 * ports (protocol from {@code appProtocol}, else Istio's port-name prefix, else TCP), labels, and
 * endpoint counts from its Endpoints (ready addresses are healthy, not-ready ones are not); Istio
 * gateways (Services labelled {@code istio: ingressgateway} / {@code istio: eastwestgateway}) with
 * their load-balancer addresses and ready endpoints (from their Endpoints, when it exists);
 * locality from the first node's topology labels and the network from the {@code
 * topology.istio.io/network} label of {@code istio-system}; the cluster's Istio revisions, tags,
 * namespace labels and proxies ({@link KubernetesIstio}; the last ones read, with a warning, when
 * they cannot be read). A failed read keeps the last good inventory, and so does a suspect one
 * ({@link InventoryGuard}: no namespace at all, or every Service gone at once) unless {@code
 * --allow-empty-inventory}.
 */
public final class KubernetesInventory implements InventorySource {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesInventory.class);
  private final KubernetesClient client;
  private final boolean allowEmpty;
  private final InventoryListener listener;
  private Inventory last = Inventory.getDefaultInstance();
  private boolean good;
  private String lastError;
  private String istioError;

  public KubernetesInventory(
      KubernetesClient client, boolean allowEmpty, InventoryListener listener) {
    this.client = client;
    this.allowEmpty = allowEmpty;
    this.listener = listener;
  }

  @Override
  public synchronized Inventory current() {
    Inventory next;
    try {
      next = read();
    } catch (KubernetesClientException e) {
      report("cannot read the inventory from Kubernetes: " + KubernetesTarget.message(e), false);
      return last;
    }
    String suspect = InventoryGuard.suspect(good ? last : null, next, allowEmpty);
    if (suspect != null) {
      report(
          "suspect inventory from Kubernetes, still reporting the last good one: "
              + suspect
              + "; if the cluster really has no services, run the agent with"
              + " --allow-empty-inventory",
          true);
      return last;
    }
    last = next;
    good = true;
    if (lastError != null) {
      lastError = null;
      LOG.info("the inventory from Kubernetes is good again");
      listener.accepted();
    }
    return last;
  }

  private void report(String error, boolean suspect) {
    if (!error.equals(lastError)) {
      lastError = error;
      LOG.error(error);
      listener.rejected(error, suspect);
    }
  }

  Inventory read() {
    var inv = Inventory.newBuilder();
    List<Namespace> namespaces = client.namespaces().list().getItems();
    for (Namespace ns : namespaces) {
      inv.addNamespaces(ns.getMetadata().getName());
    }
    Map<String, Endpoints> endpoints = new HashMap<>();
    for (Endpoints e : client.endpoints().inAnyNamespace().list().getItems()) {
      endpoints.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e);
    }
    for (Service s : client.services().inAnyNamespace().list().getItems()) {
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      var svc =
          InventoryService.newBuilder()
              .setNamespace(ns)
              .setName(name)
              .setHostname(name + "." + ns + ".svc.cluster.local");
      List<ServicePort> ports =
          s.getSpec() == null || s.getSpec().getPorts() == null
              ? List.of()
              : s.getSpec().getPorts();
      ports.forEach(p -> svc.addPorts(port(p)));
      if (s.getMetadata().getLabels() != null) {
        svc.putAllLabels(s.getMetadata().getLabels());
      }
      Endpoints e = endpoints.get(ns + "/" + name);
      if (e != null && e.getSubsets() != null) {
        Set<String> ready = new HashSet<>();
        Set<String> all = new HashSet<>();
        for (EndpointSubset subset : e.getSubsets()) {
          for (EndpointAddress a : nullSafe(subset.getAddresses())) {
            ready.add(a.getIp());
            all.add(a.getIp());
          }
          for (EndpointAddress a : nullSafe(subset.getNotReadyAddresses())) {
            all.add(a.getIp());
          }
        }
        svc.setEndpoints(all.size()).setHealthyEndpoints(ready.size());
      }
      inv.addServices(svc);
      String role = gatewayRole(s.getMetadata().getLabels());
      if (role != null) {
        var gw = InventoryGateway.newBuilder().setNamespace(ns).setName(name).setRole(role);
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null) {
          for (LoadBalancerIngress i : nullSafe(s.getStatus().getLoadBalancer().getIngress())) {
            gw.addAddresses(i.getIp() != null ? i.getIp() : String.valueOf(i.getHostname()));
          }
        }
        ports.forEach(p -> gw.addPorts(port(p)));
        if (e != null) {
          // No ready gateway pod: other clusters must stop routing through it.
          gw.setReadyEndpoints(svc.getHealthyEndpoints());
        }
        inv.addGateways(gw);
      }
    }
    try {
      List<Node> nodes = client.nodes().list().getItems();
      if (!nodes.isEmpty() && nodes.get(0).getMetadata().getLabels() != null) {
        Map<String, String> labels = nodes.get(0).getMetadata().getLabels();
        inv.setLocality(
            Locality.newBuilder()
                .setRegion(labels.getOrDefault("topology.kubernetes.io/region", ""))
                .setZone(labels.getOrDefault("topology.kubernetes.io/zone", "")));
      }
      Namespace istio = client.namespaces().withName("istio-system").get();
      if (istio != null && istio.getMetadata().getLabels() != null) {
        inv.setNetwork(
            istio.getMetadata().getLabels().getOrDefault("topology.istio.io/network", ""));
      }
    } catch (KubernetesClientException e) {
      LOG.debug("no locality/network from Kubernetes: {}", KubernetesTarget.message(e));
    }
    try {
      inv.setIstio(KubernetesIstio.read(client, namespaces));
      istioError = null;
    } catch (KubernetesClientException e) {
      // Services and gateways still count: report them with the last Istio read, if any.
      if (last.hasIstio()) {
        inv.setIstio(last.getIstio());
      }
      String why = KubernetesTarget.message(e);
      if (!why.equals(istioError)) {
        istioError = why;
        LOG.warn("cannot read the cluster's Istio revisions from Kubernetes: {}", why);
      }
    }
    return inv.build();
  }

  static String gatewayRole(Map<String, String> labels) {
    if (labels == null) {
      return null;
    }
    String istio = labels.getOrDefault("istio", "");
    if (istio.equals("eastwestgateway")) {
      return "EAST_WEST";
    }
    if (istio.equals("ingressgateway")) {
      return "INGRESS";
    }
    return null;
  }

  static InventoryPort port(ServicePort p) {
    String name = p.getName() == null ? "" : p.getName();
    String proto = protocol(p.getAppProtocol(), name, p.getProtocol());
    return InventoryPort.newBuilder()
        .setName(name)
        .setPort(p.getPort() == null ? 0 : p.getPort())
        .setProtocol(proto)
        .build();
  }

  static String protocol(String appProtocol, String name, String l4) {
    if ("UDP".equalsIgnoreCase(l4) || "SCTP".equalsIgnoreCase(l4)) {
      return l4.toUpperCase(Locale.ROOT);
    }
    String hint =
        appProtocol != null && !appProtocol.isEmpty() ? appProtocol : name.split("-", 2)[0];
    return switch (hint.toLowerCase(Locale.ROOT)) {
      case "http" -> "HTTP";
      case "http2", "h2c", "kubernetes.io/h2c" -> "HTTP2";
      case "grpc", "grpc-web" -> "GRPC";
      case "https" -> "HTTPS";
      case "tls" -> "TLS";
      default -> "TCP";
    };
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  @Override
  public String describe() {
    return "Kubernetes " + client.getMasterUrl();
  }
}
