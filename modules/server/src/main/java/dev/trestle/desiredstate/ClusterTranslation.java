package dev.trestle.desiredstate;

import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.IstioTranslator;
import dev.trestle.translator.MeshCatalog;
import dev.trestle.translator.NamespaceRevisions;
import dev.trestle.translator.WafModule;
import java.util.ArrayList;
import java.util.List;

/**
 * How the projection turns one cluster's inputs into its desired objects: the configuration of its
 * organization, its own row (namespaces, services) and the organization's clusters that publish
 * services, plus the namespace labels of revision rollouts ({@link NamespaceRevisions}). The one
 * rule shared by the projection handler (which stores the result) and the impact preview (which
 * translates a would-be configuration and stores nothing).
 */
final class ClusterTranslation {
  private ClusterTranslation() {}

  /**
   * @param self the cluster as the catalog sees it ({@link MeshClusters#of})
   * @param publishing the present clusters of the organization that publish at least one service
   *     (it may include {@code self})
   * @param waf the WAF module the server pins
   * @param revisionLabels what the organization's revision rollouts ask of this cluster
   */
  static DesiredObjects translate(
      ConfigSnapshot config,
      Resource clusterResource,
      ClusterRow row,
      MeshCatalog.Cluster self,
      List<MeshCatalog.Cluster> publishing,
      MeshCatalog.Reachability reachability,
      WafModule waf,
      List<NamespaceRevisions.Label> revisionLabels) {
    ClusterView view = view(clusterResource, row, self);
    return translate(
        config, view, remoteServices(self, view, publishing, reachability), waf, revisionLabels);
  }

  /** What the translator knows of the cluster: its resource, namespaces and services' ports. */
  static ClusterView view(Resource clusterResource, ClusterRow row, MeshCatalog.Cluster self) {
    return ClusterView.of(clusterResource, row.namespaces()).withServices(self.services());
  }

  /** The translation of a cluster whose view and remote services are already known. */
  static DesiredObjects translate(
      ConfigSnapshot config,
      ClusterView view,
      List<MeshCatalog.RemoteService> remote,
      WafModule waf,
      List<NamespaceRevisions.Label> revisionLabels) {
    return NamespaceRevisions.with(
        IstioTranslator.translate(config, view, remote, waf), revisionLabels, view.namespaces());
  }

  /** The services of the organization's other present clusters this one gets routes to. */
  static List<MeshCatalog.RemoteService> remoteServices(
      MeshCatalog.Cluster self,
      ClusterView view,
      List<MeshCatalog.Cluster> publishing,
      MeshCatalog.Reachability reachability) {
    if (reachability == MeshCatalog.Reachability.NONE || publishing.isEmpty()) {
      return List.of();
    }
    var others = new ArrayList<MeshCatalog.Cluster>(publishing.size());
    for (MeshCatalog.Cluster other : publishing) {
      if (!other.name().equals(self.name())) {
        others.add(other);
      }
    }
    return MeshCatalog.remoteServices(self, view.namespaces(), others, reachability);
  }
}
