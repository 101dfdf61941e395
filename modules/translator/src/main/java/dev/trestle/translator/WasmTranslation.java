package dev.trestle.translator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.ExtensionGrants;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ExtensionAttachment;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.WafMode;
import dev.trestle.protocol.v1.WafPolicy;
import dev.trestle.protocol.v1.WasmExtensionSpec;
import dev.trestle.protocol.v1.WasmPhase;
import dev.trestle.translator.SecurityTargets.Target;
import io.fabric8.istio.api.api.extensions.v1alpha1.PluginPhase;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.fabric8.istio.api.extensions.v1alpha1.WasmPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Wasm plugins: one WasmPlugin per catalog extension attached by a SecuritySetting (in each
 * namespace it applies to, for the service's workloads or the whole namespace) or an IngressGateway
 * (for the gateway's workloads), and one running the WAF module per WafPolicy. A plugin lists the
 * attaching resource and the WasmExtension as inputs, so editing a catalog entry changes exactly
 * its plugins. An attachment whose extension is gone or no longer allows the tenant emits nothing
 * (reported): the catalog entry's allowedTenants is checked here too, not only at apply time.
 */
final class WasmTranslation {
  /** Coraza's SecRuleEngine per mode. */
  private static final Map<WafMode, String> ENGINE =
      Map.of(WafMode.DETECT, "DetectionOnly", WafMode.BLOCK, "On");

  private final ConfigSnapshot snapshot;
  private final Placement placement;
  private final WafModule waf;
  private final Emission emission;

  WasmTranslation(ConfigSnapshot snapshot, Placement placement, WafModule waf, Emission emission) {
    this.snapshot = snapshot;
    this.placement = placement;
    this.waf = waf;
    this.emission = emission;
  }

  /** The plugins of every SecuritySetting in force here. */
  void runSecuritySettings() {
    for (Resource setting : snapshot.ofKind(Kind.SECURITY_SETTING)) {
      var spec = setting.getSecuritySetting();
      if (spec.getExtensionsCount() == 0 && !spec.hasWaf()) {
        continue;
      }
      Fqn fqn = Fqn.parse(Provenance.fqn(setting));
      if (!placement.scopeExists(fqn)) {
        continue; // reported by the security translation
      }
      for (Target t : SecurityTargets.of(setting, fqn, placement, emission)) {
        plugins(setting, spec.getExtensionsList(), spec.hasWaf() ? spec.getWaf() : null, t);
      }
    }
  }

  /** The plugins of one IngressGateway, on its workloads in {@code namespace}. */
  void gateway(Resource gateway, String namespace) {
    var spec = gateway.getIngressGateway();
    plugins(
        gateway,
        spec.getExtensionsList(),
        spec.hasWaf() ? spec.getWaf() : null,
        new Target(namespace, spec.getWorkloadSelectorMap()));
  }

  private void plugins(
      Resource source, List<ExtensionAttachment> attachments, WafPolicy wafPolicy, Target t) {
    for (ExtensionAttachment a : attachments) {
      extension(source, a).ifPresent(ext -> emit(source, a, ext, t));
    }
    if (wafPolicy != null) {
      waf(source, wafPolicy, t);
    }
  }

  /** The attached extension, when it exists and allows the source's tenant. */
  private Optional<Resource> extension(Resource source, ExtensionAttachment a) {
    Optional<Resource> ext =
        snapshot.get(a.getExtension()).filter(r -> r.getKind().equals("WasmExtension"));
    if (ext.isEmpty()) {
      emission.warn(source, "extension " + a.getExtension() + " is not in the catalog; not run");
      return Optional.empty();
    }
    String tenant = source.getMetadata().getTenant();
    if (!ExtensionGrants.allows(ext.get().getWasmExtension(), tenant)) {
      emission.warn(
          source,
          "extension "
              + a.getExtension()
              + " does not allow tenant '"
              + tenant
              + "' (any more); not run");
      return Optional.empty();
    }
    return ext;
  }

  private void emit(Resource source, ExtensionAttachment a, Resource ext, Target t) {
    WasmExtensionSpec spec = ext.getWasmExtension();
    Provenance provenance = Provenance.of(source, List.of(ext));
    var plugin = new io.fabric8.istio.api.api.extensions.v1alpha1.WasmPlugin();
    plugin.setUrl(spec.getUrl());
    plugin.setSha256(spec.getSha256());
    if (spec.getPhase() != WasmPhase.WASM_PHASE_UNSPECIFIED
        && spec.getPhase() != WasmPhase.UNRECOGNIZED) {
      plugin.setPhase(PluginPhase.valueOf(spec.getPhase().name()));
    }
    if (spec.getPriority() != 0) {
      plugin.setPriority(spec.getPriority());
    }
    Map<String, Object> config = merged(spec.getDefaultConfig(), a.getConfig());
    if (!config.isEmpty()) {
      plugin.setPluginConfig(config);
    }
    String base = source.getMetadata().getName() + "-" + ext.getMetadata().getName();
    write(plugin, provenance, base, provenance.sourceFqn() + "#" + Provenance.fqn(ext), t);
  }

  private void waf(Resource source, WafPolicy policy, Target t) {
    if (!waf.configured()) {
      emission.warn(
          source,
          "the server has no WAF module configured (trestle.policy.waf.url and .sha256); the WAF"
              + " is not run");
      return;
    }
    String engine = ENGINE.get(policy.getMode());
    if (engine == null) {
      emission.warn(source, "WAF mode " + policy.getMode() + " is not DETECT or BLOCK; not run");
      return;
    }
    var directives = new ArrayList<String>();
    directives.add("SecRuleEngine " + engine);
    policy.getDirectivesList().forEach(d -> directives.add(d.strip()));
    var plugin = new io.fabric8.istio.api.api.extensions.v1alpha1.WasmPlugin();
    plugin.setUrl(waf.url());
    plugin.setSha256(waf.sha256());
    plugin.setPhase(PluginPhase.AUTHN);
    var config = new TreeMap<String, Object>();
    config.put("directives_map", Map.of("default", directives));
    config.put("default_directives", "default");
    plugin.setPluginConfig(config);
    Provenance provenance = Provenance.of(source);
    write(
        plugin,
        provenance,
        source.getMetadata().getName() + "-waf",
        provenance.sourceFqn() + "#waf",
        t);
  }

  private void write(
      io.fabric8.istio.api.api.extensions.v1alpha1.WasmPlugin spec,
      Provenance provenance,
      String base,
      String key,
      Target t) {
    if (t.selector() != null && !t.selector().isEmpty()) {
      spec.setSelector(new WorkloadSelector(new TreeMap<>(t.selector())));
    }
    var plugin = new WasmPlugin();
    plugin.setMetadata(provenance.meta(ObjectNames.name(base, key), t.namespace()));
    plugin.setSpec(spec);
    emission.emit(plugin, provenance);
  }

  /** The default configuration with the attachment's keys over it (top level only). */
  private static Map<String, Object> merged(Struct defaults, Struct overrides) {
    var out = new TreeMap<String, Object>();
    out.putAll(plain(defaults));
    out.putAll(plain(overrides));
    return out;
  }

  private static Map<String, Object> plain(Struct struct) {
    if (struct.getFieldsCount() == 0) {
      return Map.of();
    }
    try {
      ObjectNode tree =
          (ObjectNode) CanonicalForm.JSON.readTree(JsonFormat.printer().print(struct));
      var out = new TreeMap<String, Object>();
      tree.fields()
          .forEachRemaining(
              e ->
                  out.put(e.getKey(), CanonicalForm.JSON.convertValue(e.getValue(), Object.class)));
      return out;
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("a Struct always prints as JSON", e);
    }
  }
}
