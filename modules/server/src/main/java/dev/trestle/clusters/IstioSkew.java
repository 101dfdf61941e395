package dev.trestle.clusters;

import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioRevisionTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Version-skew problems in one cluster's Istio report, one line each. Istio supports a control
 * plane at most one minor version ahead of its proxies and never behind them (istio.io, "Supported
 * Releases", Control Plane/Data Plane Skew; docs/upgrades.md): proxies further behind their
 * revision's istiod, or ahead of it, get a warning, and so do proxies whose revision has no istiod.
 */
public final class IstioSkew {
  /** How many minor versions proxies may lag their istiod (Istio's supported skew). */
  public static final int MAX_PROXY_LAG = 1;

  private IstioSkew() {}

  public static List<String> warnings(IstioInventory istio) {
    var out = new ArrayList<String>();
    for (IstioProxies p : istio.getProxiesList()) {
      Optional<IstioRevision> istiod = istiodOf(istio, p.getRevision());
      String proxies = p.getCount() + (p.getCount() == 1 ? " proxy" : " proxies");
      if (istiod.isEmpty()) {
        if (!istio.getRevisionsList().isEmpty()) {
          out.add(
              proxies
                  + " of revision "
                  + p.getRevision()
                  + " have no istiod of that revision (it was removed?)");
        }
        continue;
      }
      int[] control = minor(istiod.get().getVersion());
      int[] data = minor(p.getVersion());
      if (control == null || data == null || p.getCount() == 0) {
        continue;
      }
      int lag =
          control[0] == data[0]
              ? control[1] - data[1]
              : control[0] > data[0] ? Integer.MAX_VALUE : Integer.MIN_VALUE;
      String at = proxies + " at " + p.getVersion() + " on revision " + istiod.get().getName();
      if (lag < 0) {
        out.add(
            at
                + " are newer than their istiod ("
                + istiod.get().getVersion()
                + "): Istio does not support proxies ahead of the control plane");
      } else if (lag > MAX_PROXY_LAG) {
        out.add(
            at
                + " lag istiod "
                + istiod.get().getVersion()
                + (lag == Integer.MAX_VALUE
                    ? " by a major version"
                    : " by " + lag + " minor versions")
                + ": Istio supports "
                + MAX_PROXY_LAG
                + "; restart their workloads");
      }
    }
    return out;
  }

  /** The istiod serving {@code revision}: by name, else through a tag of that name. */
  static Optional<IstioRevision> istiodOf(IstioInventory istio, String revision) {
    String name = revision;
    for (IstioRevisionTag t : istio.getTagsList()) {
      if (t.getTag().equals(revision)) {
        name = t.getRevision();
      }
    }
    for (IstioRevision r : istio.getRevisionsList()) {
      if (r.getName().equals(name) || r.getName().equals(revision)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** {major, minor} of {@code 1.22.1} (or {@code 1.22}); null when it is not such a version. */
  public static int[] minor(String version) {
    String[] parts = version.split("\\.");
    if (parts.length < 2) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
