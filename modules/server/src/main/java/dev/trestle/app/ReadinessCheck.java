package dev.trestle.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** pekko-management readiness: true once the journal schema, sharding and API are up. */
public final class ReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final ServerState state;

  public ReadinessCheck(ActorSystem system) {
    this.state = ServerState.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(state.isReady());
  }
}
