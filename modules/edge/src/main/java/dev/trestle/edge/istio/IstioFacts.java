package dev.trestle.edge.istio;

import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioNamespace;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioRevisionTag;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects what an edge learns about its cluster's Istio (from Kubernetes or the inventory file)
 * and builds the report in a stable order, whatever order the facts came in: revisions, tags and
 * namespaces by name, proxies by (revision, version). A stable report keeps an unchanged cluster
 * from journaling an inventory change on every heartbeat.
 */
public final class IstioFacts {
  /** The revision name of an istiod (or a proxy) without an {@code istio.io/rev} label. */
  public static final String DEFAULT_REVISION = "default";

  private final Map<String, IstioRevision> revisions = new TreeMap<>();
  private final Map<String, String> tags = new TreeMap<>();
  private final Map<String, IstioNamespace> namespaces = new TreeMap<>();
  private final Map<String, Map<String, Integer>> proxies = new TreeMap<>();

  /** A revision; a second istiod Deployment of the same revision adds its replicas. */
  public IstioFacts revision(String name, String version, int readyReplicas, int replicas) {
    IstioRevision before = revisions.get(name);
    int ready = readyReplicas + (before == null ? 0 : before.getReadyReplicas());
    int wanted = replicas + (before == null ? 0 : before.getReplicas());
    String v = before == null || before.getVersion().isEmpty() ? version : before.getVersion();
    revisions.put(
        name,
        IstioRevision.newBuilder()
            .setName(name)
            .setVersion(v == null ? "" : v)
            .setReadyReplicas(ready)
            .setReplicas(wanted)
            .setReady(ready > 0 && ready >= wanted)
            .build());
    return this;
  }

  /** A revision whose readiness is stated rather than counted (the inventory file). */
  public IstioFacts revision(String name, String version, boolean ready) {
    revisions.put(
        name,
        IstioRevision.newBuilder()
            .setName(name)
            .setVersion(version == null ? "" : version)
            .setReady(ready)
            .build());
    return this;
  }

  public IstioFacts tag(String tag, String revision) {
    tags.put(tag, revision == null ? "" : revision);
    return this;
  }

  /** A namespace; nothing is recorded when it carries neither label. */
  public IstioFacts namespace(String name, String revisionLabel, String injectionLabel) {
    String rev = revisionLabel == null ? "" : revisionLabel;
    String injection = injectionLabel == null ? "" : injectionLabel;
    if (!rev.isEmpty() || !injection.isEmpty()) {
      namespaces.put(
          name,
          IstioNamespace.newBuilder()
              .setName(name)
              .setRevisionLabel(rev)
              .setInjectionLabel(injection)
              .build());
    }
    return this;
  }

  public IstioFacts proxies(String revision, String version, int count) {
    proxies
        .computeIfAbsent(revision, r -> new TreeMap<>())
        .merge(version == null ? "" : version, count, Integer::sum);
    return this;
  }

  public boolean isEmpty() {
    return revisions.isEmpty() && tags.isEmpty() && namespaces.isEmpty() && proxies.isEmpty();
  }

  public IstioInventory build() {
    var out = IstioInventory.newBuilder().addAllRevisions(revisions.values());
    tags.forEach(
        (tag, rev) -> out.addTags(IstioRevisionTag.newBuilder().setTag(tag).setRevision(rev)));
    out.addAllNamespaces(namespaces.values());
    proxies.forEach(
        (rev, byVersion) ->
            byVersion.forEach(
                (version, count) ->
                    out.addProxies(
                        IstioProxies.newBuilder()
                            .setRevision(rev)
                            .setVersion(version)
                            .setCount(count))));
    return out.build();
  }

  /**
   * The version in a container image reference: its tag without a variant suffix ({@code
   * docker.io/istio/pilot:1.22.1-distroless} → {@code 1.22.1}); empty without a tag or for a
   * digest-only reference.
   */
  public static String imageVersion(String image) {
    if (image == null) {
      return "";
    }
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon <= slash) {
      return "";
    }
    String tag = ref.substring(colon + 1);
    for (String variant : new String[] {"-distroless", "-debug"}) {
      if (tag.endsWith(variant)) {
        tag = tag.substring(0, tag.length() - variant.length());
      }
    }
    return tag;
  }
}
