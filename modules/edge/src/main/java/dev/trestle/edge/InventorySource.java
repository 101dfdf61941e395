package dev.trestle.edge;

import dev.trestle.protocol.v1.Inventory;

/** What the cluster has right now, read for every Hello and heartbeat. */
public interface InventorySource {
  Inventory current();

  String describe();

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
