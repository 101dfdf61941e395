package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a SecuritySetting applies in this cluster: every namespace its group covers here when it
 * names no service, else the service's namespace (when covered here) with the service's workloads
 * ({@code app: <name>}). Shared by the security policies and the Wasm plugins a setting makes.
 */
final class SecurityTargets {
  private SecurityTargets() {}

  /** A namespace, and the service's workload labels (null: the whole namespace). */
  record Target(String namespace, Map<String, String> selector) {
    String key() {
      return namespace + "|" + (selector == null ? "*" : selector.toString());
    }
  }

  static List<Target> of(Resource setting, Fqn fqn, Placement placement, Emission emission) {
    SecuritySettingSpec spec = setting.getSecuritySetting();
    var out = new ArrayList<Target>();
    if (spec.getService().isEmpty()) {
      placement.localNamespaces(fqn).forEach(ns -> out.add(new Target(ns, null)));
      return out;
    }
    Optional<ServiceRef> ref = ServiceRef.parse(spec.getService());
    if (ref.isEmpty()) {
      emission.warn(setting, "service '" + spec.getService() + "' is not namespace/name; ignored");
    } else if (placement.coversHere(fqn, ref.get().namespace())) {
      out.add(
          new Target(
              ref.get().namespace(), Map.of(SecurityTranslation.WORKLOAD_LABEL, ref.get().name())));
    }
    return out;
  }
}
