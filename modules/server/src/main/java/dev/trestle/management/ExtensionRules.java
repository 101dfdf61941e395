package dev.trestle.management;

import dev.trestle.protocol.ExtensionGrants;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ExtensionAttachment;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.WasmExtensionSpec;
import java.util.List;
import java.util.Map;

/**
 * Attachments of catalog WasmExtensions (from a SecuritySetting or an IngressGateway): each names a
 * WasmExtension of the attaching resource's own organization, at most once, and in context one that
 * allows the attaching resource's tenant.
 */
final class ExtensionRules {
  private ExtensionRules() {}

  /** Every rule; the tenant's use only in context (as {@link #usable}). */
  static void attachments(
      Checks c, Resource resource, String field, List<ExtensionAttachment> attachments) {
    var names = attachments.stream().map(ExtensionAttachment::getExtension).toList();
    ReferenceRules.fqnsOfKind(c, field, names, Kind.WASM_EXTENSION);
    c.duplicates(field, names);
    if (c.inContext()) {
      usable(c, resource, field, attachments);
    }
  }

  static void references(
      String field, List<ExtensionAttachment> attachments, Map<String, String> out) {
    for (int i = 0; i < attachments.size(); i++) {
      out.put(field + "[" + i + "].extension", attachments.get(i).getExtension());
    }
  }

  /** The extensions are of the resource's organization and allow its tenant. */
  static void usable(
      Checks c, Resource resource, String field, List<ExtensionAttachment> attachments) {
    String org = resource.getMetadata().getOrganization();
    String tenant = resource.getMetadata().getTenant();
    for (int i = 0; i < attachments.size(); i++) {
      String f = field + "[" + i + "].extension";
      String fqn = attachments.get(i).getExtension();
      if (!organizationOf(fqn).equals(org)) {
        c.add(f, "'" + fqn + "' is not in this resource's organization '" + org + "'");
        continue;
      }
      ResourceSnapshot extension = c.context().referenced().get(fqn);
      if (extension == null) {
        continue; // missing: reported by the reference rules
      }
      var spec = (WasmExtensionSpec) ResourceMapper.spec(extension);
      if (!ExtensionGrants.allows(spec, tenant)) {
        c.add(
            f,
            fqn
                + " does not allow tenant '"
                + tenant
                + "' (allowedTenants: "
                + spec.getAllowedTenantsList()
                + ")");
      }
    }
  }

  private static String organizationOf(String fqn) {
    try {
      return Fqn.parse(fqn).nameOf(Kind.ORGANIZATION).orElse("");
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
