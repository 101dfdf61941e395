package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.observability.OperationsPort;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the node has started before it opens its ports: everything a port's handlers are built from.
 */
record StartedParts(
    ActorSystem<Void> system,
    Config config,
    Settings settings,
    StorageStarter.Storage storage,
    ServiceStarter.Services services,
    ProjectionStarter.ReadSide readSide,
    OperationsPort operations,
    Clock clock) {}
