package dev.trestle.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Per-actor-system readiness flag: set once storage, projections and the API are up, cleared as
 * soon as coordinated shutdown begins (its first phase), so that load balancers and Kubernetes stop
 * sending work before the ports close.
 */
public final class ServerState implements Extension {
  private final AtomicBoolean ready = new AtomicBoolean(false);

  public static final ExtensionId<ServerState> ID =
      new ExtensionId<>() {
        @Override
        public ServerState createExtension(ActorSystem<?> system) {
          var state = new ServerState();
          CoordinatedShutdown.get(system.classicSystem())
              .addTask(
                  CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                  "trestle-not-ready",
                  () -> {
                    state.markReady(false);
                    return CompletableFuture.completedFuture(Done.getInstance());
                  });
          return state;
        }
      };

  public static ServerState get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public boolean isReady() {
    return ready.get();
  }

  public void markReady(boolean value) {
    ready.set(value);
  }
}
