package dev.trestle.edge;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link ConfigWatcher} in front of java-control-plane's cache that does not answer a NACK with
 * the response just rejected. Left alone, the cache compares the NACK's version (the client's last
 * accepted one) with the snapshot's, finds them different and resends the rejected response at once
 * — and the client NACKs it again, thousands of times a second. Here a NACK is treated as if the
 * client held the rejected version and its resource names: the watch stays open and fires when the
 * snapshot changes (a new version, which the client may accept) or when the client asks for other
 * resources.
 */
final class NackHoldingCache implements ConfigWatcher {
  private final ConfigWatcher cache;

  NackHoldingCache(ConfigWatcher cache) {
    this.cache = cache;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    XdsNacks.Sent rejected = XdsNacks.REJECTED.get();
    XdsNacks.REJECTED.remove();
    if (rejected != null && request.hasErrorDetail()) {
      request =
          XdsRequest.create(
              request.v3Request().toBuilder().setVersionInfo(rejected.version()).build());
      knownResourceNames = rejected.names();
      hasClusterChanged = false;
    }
    return cache.createWatch(
        ads,
        request,
        knownResourceNames,
        responseConsumer,
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return cache.createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }
}
