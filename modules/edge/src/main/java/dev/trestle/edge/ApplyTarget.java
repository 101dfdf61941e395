package dev.trestle.edge;

import dev.trestle.translator.ObjectKey;
import java.util.List;
import java.util.Map;

/**
 * Where desired state ends up: a directory of YAML files or a Kubernetes API server. The agent
 * validates a version first and calls {@link #apply} only with objects that passed.
 */
public interface ApplyTarget extends AutoCloseable {

  /** For logs: "directory ./edge/c1/out", "Kubernetes https://...". */
  String describe();

  /** Problems the target has with a whole state (e.g. two objects that map to one file). */
  default Map<ObjectKey, String> check(AppliedState next) {
    return Map.of();
  }

  /**
   * Makes {@code next} the running state. {@code upserts} are the objects to (re)write (all of them
   * for a snapshot), {@code deletes} the keys of {@code previous} that {@code next} no longer has.
   * On failure the target restores {@code previous} as far as it can before throwing.
   */
  void apply(
      AppliedState previous, AppliedState next, List<EdgeObject> upserts, List<ObjectKey> deletes)
      throws ApplyException;

  /** At start: make the target run {@code state} again (the state read back from disk). */
  void restore(AppliedState state) throws ApplyException;

  @Override
  default void close() {}
}
