package dev.trestle.management;

import dev.trestle.protocol.ExtensionGrants;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.WasmExtensionSpec;
import dev.trestle.protocol.v1.WasmPhase;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * A catalog entry of Wasm modules: where the module is (oci:// or https://), its SHA-256 (required,
 * so a proxy runs exactly the module that was reviewed), and which tenants may attach it.
 */
final class WasmExtensionRules implements KindRules {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  @Override
  public void check(Resource resource, Checks c) {
    WasmExtensionSpec spec = resource.getWasmExtension();
    url(c, "spec.url", spec.getUrl());
    if (!SHA256.matcher(spec.getSha256()).matches()) {
      c.add("spec.sha256", "is required: the module's SHA-256 as 64 lowercase hex digits");
    }
    if (spec.getPhase() == WasmPhase.UNRECOGNIZED) {
      c.add("spec.phase", "must be AUTHN, AUTHZ or STATS (or unset)");
    }
    if (spec.getPriority() < 0) {
      c.add("spec.priority", "must not be negative, was " + spec.getPriority());
    }
    for (int i = 0; i < spec.getAllowedTenantsCount(); i++) {
      String t = spec.getAllowedTenants(i);
      if (!t.equals(ExtensionGrants.ANY_TENANT)) {
        c.name("spec.allowedTenants[" + i + "]", t);
      }
    }
    c.duplicates("spec.allowedTenants", spec.getAllowedTenantsList());
  }

  /** oci://registry/repo[:tag] or https://host/path; no credentials or fragments in it. */
  static void url(Checks c, String field, String url) {
    if (url.isEmpty()) {
      c.add(field, "is required: oci://registry/image:tag or https://host/module.wasm");
      return;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      c.add(field, "'" + url + "' is not a URL: " + e.getReason());
      return;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!scheme.equals("oci") && !scheme.equals("https")) {
      c.add(field, "'" + url + "' must start with oci:// or https://");
    } else if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      c.add(field, "'" + url + "' needs a host and a path");
    } else if (uri.getUserInfo() != null || uri.getFragment() != null) {
      c.add(field, "'" + url + "' must not carry credentials or a fragment");
    }
  }
}
