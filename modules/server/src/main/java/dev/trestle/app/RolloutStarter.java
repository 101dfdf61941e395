package dev.trestle.app;

import dev.trestle.rollouts.RevisionRolloutRunner;
import dev.trestle.rollouts.RolloutSettings;
import dev.trestle.telemetry.TelemetrySettings;
import dev.trestle.telemetry.TrafficQueries;
import java.util.Optional;

/** Starts central's revision rollout runner (docs/upgrades.md) once the node is up. */
final class RolloutStarter {
  private RolloutStarter() {}

  static void start(StartedParts parts) {
    var telemetry =
        TrafficQueries.create(
            parts.storage().readModels().dataSource(),
            parts.services().resources(),
            parts.services().guard(),
            TelemetrySettings.from(parts.config()),
            parts.storage().blocking(),
            parts.clock());
    RevisionRolloutRunner.start(
        parts.system(),
        parts.readSide().desiredState()::rolloutInputs,
        Optional.of(telemetry),
        parts.settings().askTimeout(),
        RolloutSettings.from(parts.config()).interval(),
        parts.clock());
  }
}
