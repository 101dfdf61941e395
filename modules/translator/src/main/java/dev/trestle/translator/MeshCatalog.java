package dev.trestle.translator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What every cluster of one organization runs, as the centre knows it from the edges' inventories:
 * per cluster its services (with endpoint counts), its east-west gateway, network, locality and
 * health. Pure data plus the rules of docs/multicluster.md: which remote clusters a cluster may
 * reach and which services it gets remote endpoints for.
 *
 * <p>Per service, never per endpoint: a remote cluster appears as one endpoint (its east-west
 * gateway) while it has healthy endpoints for the service; the counts themselves are not published.
 */
public final class MeshCatalog {
  private MeshCatalog() {}

  /** Which remote clusters a cluster may reach ({@code trestle.multicluster.reachability}). */
  public enum Reachability {
    /**
     * Every cluster of the organization: same network direct to the gateway address, other networks
     * through it.
     */
    ALL,
    /** Only clusters on the same network. */
    SAME_NETWORK,
    /** None: the catalog only. */
    NONE;

    public static Reachability parse(String text) {
      return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
        case "all", "" -> ALL;
        case "same-network" -> SAME_NETWORK;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException(
                "trestle.multicluster.reachability = '"
                    + text
                    + "' must be all, same-network or none");
      };
    }
  }

  public record Port(String name, int number, String protocol) {
    public Port {
      protocol =
          protocol == null || protocol.isBlank()
              ? "TCP"
              : protocol.strip().toUpperCase(Locale.ROOT);
      name =
          name == null || name.isBlank() ? protocol.toLowerCase(Locale.ROOT) + "-" + number : name;
    }
  }

  /**
   * One service as one cluster reports it.
   *
   * @param failing central marked it unhealthy for cross-cluster routing because its error ratio in
   *     this cluster crossed the configured threshold (docs/telemetry.md, "Failover by telemetry"):
   *     not routable, like a service without healthy endpoints
   */
  public record Service(
      String namespace,
      String name,
      List<Port> ports,
      int endpoints,
      int healthyEndpoints,
      boolean failing) {
    public Service {
      ports = List.copyOf(ports);
    }

    /** A service its cluster's telemetry has not marked failing. */
    public Service(
        String namespace, String name, List<Port> ports, int endpoints, int healthyEndpoints) {
      this(namespace, name, ports, endpoints, healthyEndpoints, false);
    }

    public String key() {
      return namespace + "/" + name;
    }
  }

  /**
   * An east-west gateway: where other clusters send traffic for this cluster's services.
   *
   * @param ready false when the edge reports no ready endpoint behind it (a gateway outage): the
   *     cluster is then routable for nobody until it has one again
   */
  public record Gateway(String address, int port, boolean ready) {
    /** A gateway whose readiness is not reported (counts as ready). */
    public Gateway(String address, int port) {
      this(address, port, true);
    }
  }

  /**
   * One cluster of the organization.
   *
   * @param name the Cluster resource's name
   * @param healthy false only when the cluster is UNHEALTHY (UNKNOWN counts as healthy: it reported
   *     an inventory)
   * @param eastWest null when the cluster has no east-west gateway with an address; not ready when
   *     none of its gateways with an address has a ready endpoint
   */
  public record Cluster(
      String name,
      String network,
      String region,
      String zone,
      boolean healthy,
      Gateway eastWest,
      List<Service> services) {
    public Cluster {
      network = network == null ? "" : network;
      region = region == null ? "" : region;
      zone = zone == null ? "" : zone;
      services =
          services.stream()
              .sorted(Comparator.comparing(Service::namespace).thenComparing(Service::name))
              .toList();
    }

    /** Istio's locality string: {@code region/zone}, {@code region}, or empty. */
    public String locality() {
      if (region.isEmpty()) {
        return "";
      }
      return zone.isEmpty() ? region : region + "/" + zone;
    }

    /**
     * The ports of each service it runs, by {@code ns/name}. Its own translation depends on them
     * (see {@link ClusterView#withServices}), so a change re-translates it.
     */
    public SortedMap<String, List<Port>> servicePorts() {
      var out = new TreeMap<String, List<Port>>();
      services.forEach(s -> out.put(s.key(), s.ports()));
      return out;
    }

    /** Whether another cluster may route to this one's instance of {@code service}. */
    public boolean routable(Service service) {
      return healthy
          && eastWest != null
          && eastWest.ready()
          && service.healthyEndpoints() > 0
          && !service.failing();
    }

    /**
     * What this cluster publishes to others, per service {@code ns/name}: its ports and, when
     * routable, its one endpoint. The affected-cluster rule compares this before and after an
     * event: a service whose entry is unchanged is re-published nowhere.
     */
    public SortedMap<String, Published> published() {
      var out = new TreeMap<String, Published>();
      for (Service s : services) {
        Endpoint e =
            routable(s)
                ? new Endpoint(name, eastWest.address(), eastWest.port(), network, locality())
                : null;
        out.put(s.key(), new Published(s.ports(), e));
      }
      return out;
    }
  }

  /** One service's entry as published by one cluster; {@code endpoint} null when not routable. */
  public record Published(List<Port> ports, Endpoint endpoint) {}

  /** A remote cluster as one ServiceEntry endpoint. */
  public record Endpoint(
      String cluster, String address, int port, String network, String locality) {}

  /** A service some remote clusters run, with the endpoints {@code self} may route to. */
  public record RemoteService(
      String namespace, String name, List<Port> ports, List<Endpoint> endpoints) {
    public RemoteService {
      ports = List.copyOf(ports);
      endpoints = List.copyOf(endpoints);
    }

    public String host() {
      return name + "." + namespace + "." + ServiceRef.DOMAIN;
    }
  }

  /** Whether {@code from} may reach {@code to} at all. */
  public static boolean reachable(Cluster from, Cluster to, Reachability reachability) {
    return switch (reachability) {
      case ALL -> true;
      case SAME_NETWORK -> from.network().equals(to.network());
      case NONE -> false;
    };
  }

  /**
   * The remote services {@code self} gets objects for: services of other clusters whose namespace
   * {@code self} has and that at least one reachable remote cluster may serve. Sorted by namespace
   * and name; endpoints by cluster name; ports the union by number (first name seen in cluster-name
   * order wins).
   *
   * @param self the cluster translated for (its namespaces decide which services it gets)
   * @param others the organization's other present clusters
   */
  public static List<RemoteService> remoteServices(
      Cluster self,
      java.util.Collection<String> selfNamespaces,
      List<Cluster> others,
      Reachability reachability) {
    var byService = new TreeMap<String, List<Cluster>>();
    var sortedOthers = new ArrayList<>(others);
    sortedOthers.sort(Comparator.comparing(Cluster::name));
    for (Cluster c : sortedOthers) {
      if (c.name().equals(self.name()) || !reachable(self, c, reachability)) {
        continue;
      }
      for (Service s : c.services()) {
        if (selfNamespaces.contains(s.namespace())) {
          byService.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(c);
        }
      }
    }
    var out = new ArrayList<RemoteService>();
    byService.forEach(
        (key, clusters) -> {
          String ns = key.substring(0, key.indexOf('/'));
          String name = key.substring(key.indexOf('/') + 1);
          var ports = new TreeMap<Integer, Port>();
          var endpoints = new ArrayList<Endpoint>();
          // Istio joins the entry's ports with the local Service's of the same host by name: the
          // local names win for the numbers the local Service has.
          self.services().stream()
              .filter(x -> x.key().equals(key))
              .findFirst()
              .ifPresent(local -> local.ports().forEach(p -> ports.put(p.number(), p)));
          for (Cluster c : clusters) {
            Service s =
                c.services().stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
            s.ports().forEach(p -> ports.putIfAbsent(p.number(), p));
            Published published = c.published().get(key);
            if (published.endpoint() != null) {
              endpoints.add(published.endpoint());
            }
          }
          if (!endpoints.isEmpty()) {
            out.add(new RemoteService(ns, name, new ArrayList<>(ports.values()), endpoints));
          }
        });
    return out;
  }

  /**
   * The services ({@code ns/name}) whose published entry differs between two states of a cluster.
   */
  public static List<String> changedServices(Cluster before, Cluster after) {
    Map<String, Published> was = before == null ? Map.of() : before.published();
    Map<String, Published> now = after == null ? Map.of() : after.published();
    var keys = new java.util.TreeSet<String>(was.keySet());
    keys.addAll(now.keySet());
    return keys.stream().filter(k -> !Objects.equals(was.get(k), now.get(k))).toList();
  }
}
