package dev.trestle.app;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** Per-actor-system readiness flag, flipped once storage and the API are up. */
public final class ServerState implements Extension {
  private final AtomicBoolean ready = new AtomicBoolean(false);

  public static final ExtensionId<ServerState> ID =
      new ExtensionId<>() {
        @Override
        public ServerState createExtension(ActorSystem<?> system) {
          return new ServerState();
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
