package dev.trestle.edge;

import dev.trestle.protocol.v1.Inventory;

/** What the cluster has right now, read for every Hello and heartbeat. */
public interface InventorySource {
  Inventory current();

  String describe();

  /**
   * The inventory with the endpoint addresses that stay on the edge (for xDS). Sources that know
   * only counts return no addresses.
   */
  default InventoryFile.Parsed withAddresses() {
    return new InventoryFile.Parsed(current(), java.util.Map.of());
  }

  /** Nothing to report (neither --inventory nor --kube). */
  static InventorySource empty() {
    return new InventorySource() {
      @Override
      public Inventory current() {
        return Inventory.getDefaultInstance();
      }

      @Override
      public String describe() {
        return "none (empty inventory)";
      }
    };
  }
}
