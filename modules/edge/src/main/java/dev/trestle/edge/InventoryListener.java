package dev.trestle.edge;

/** Where an inventory source says whether what it read last could be used. */
public interface InventoryListener {
  /**
   * What was read cannot be used (unreadable, invalid, or {@code suspect}: see {@link
   * InventoryGuard}); the source keeps reporting the last good inventory. Called once per distinct
   * problem.
   */
  void rejected(String why, boolean suspect);

  /** A good inventory was read again after {@link #rejected}: the problem is over. */
  void accepted();

  /** Ignores both (tests, tools). */
  InventoryListener NONE =
      new InventoryListener() {
        @Override
        public void rejected(String why, boolean suspect) {}

        @Override
        public void accepted() {}
      };
}
