package dev.trestle.edge;

import dev.trestle.protocol.v1.Inventory;

/**
 * Decides whether a freshly read inventory may replace the last good one. An inventory that lists
 * nothing, or that drops every service at once, is what a truncated file, a failed template render,
 * a full disk or an API server answering empty lists looks like; reported as is, central would
 * withdraw every object of the cluster (and its endpoints from the other clusters). Such an
 * inventory is <em>suspect</em>: the source keeps the last good one and says why, until the
 * operator makes the emptiness explicit ({@code allowEmpty: true} in the file, or {@code
 * --allow-empty-inventory}).
 */
final class InventoryGuard {
  private InventoryGuard() {}

  /**
   * Why {@code next} must not replace {@code last} ({@code null}: it may). {@code last} is null at
   * start, when there is no last good inventory yet.
   */
  static String suspect(Inventory last, Inventory next, boolean explicit) {
    if (explicit) {
      return null;
    }
    if (isEmpty(next)) {
      return "it lists no namespaces, services or gateways";
    }
    if (last != null && last.getServicesCount() > 0 && next.getServicesCount() == 0) {
      return "it drops every service at once (" + last.getServicesCount() + " before, none now)";
    }
    return null;
  }

  static boolean isEmpty(Inventory inventory) {
    return inventory.getNamespacesCount() == 0
        && inventory.getServicesCount() == 0
        && inventory.getGatewaysCount() == 0;
  }
}
