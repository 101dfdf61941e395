package dev.trestle.edgesync;

import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredSnapshot;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What an edge session reads of a cluster's desired state (the desired-state read model). */
public interface DesiredStateSource {
  record Current(long version, String setHash) {}

  CompletionStage<Current> current(String cluster);

  CompletionStage<DesiredSnapshot> snapshot(String cluster);

  /**
   * The changes after {@code fromVersion} up to the current version; empty when they are no longer
   * kept (or {@code fromVersion} is unknown), so a snapshot is needed.
   */
  CompletionStage<Optional<DesiredDelta>> delta(String cluster, long fromVersion);
}
