package dev.trestle.protocol;

import dev.trestle.protocol.v1.WasmExtensionSpec;

/**
 * Which tenants may attach a WasmExtension of their organization's catalog: those its {@code
 * allowedTenants} names, or every tenant when it lists {@code *}. The one rule the validator (at
 * apply time) and the translator (for attachments made before the catalog entry changed) share.
 */
public final class ExtensionGrants {
  public static final String ANY_TENANT = "*";

  private ExtensionGrants() {}

  public static boolean allows(WasmExtensionSpec extension, String tenant) {
    return extension.getAllowedTenantsList().contains(ANY_TENANT)
        || extension.getAllowedTenantsList().contains(tenant);
  }
}
