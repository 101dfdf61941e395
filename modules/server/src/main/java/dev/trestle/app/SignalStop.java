package dev.trestle.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a clean stop: the signal runs Pekko's coordinated shutdown itself
 * instead of the JVM's exit sequence, so {@code trestle server} returns from its main thread, logs
 * its last line and exits 0. Left to the JVM, a signal exits with 128 + the signal (143 for
 * SIGTERM) whatever the shutdown hooks do, and a line logged after the actor system terminated can
 * be lost to the halt. The JVM's own handlers come back once the stop has begun, so a second signal
 * still ends a stuck stop the usual way.
 */
final class SignalStop {
  private static final Logger LOG = LoggerFactory.getLogger(SignalStop.class);
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  /** The reason coordinated shutdown reports: a signal from the operating system. */
  record SignalReason(String signal) implements CoordinatedShutdown.Reason {}

  private SignalStop() {}

  /** Installs the handlers; where the JVM refuses one, that signal keeps its default handling. */
  static void install(ActorSystem<?> system) {
    var started = new AtomicBoolean();
    Map<Signal, SignalHandler> previous = new ConcurrentHashMap<>();
    SignalHandler stop =
        s -> {
          if (started.compareAndSet(false, true)) {
            previous.forEach(Signal::handle);
            LOG.info("SIG{} received: stopping", s.getName());
            CoordinatedShutdown.get(system.classicSystem())
                .run(new SignalReason("SIG" + s.getName()));
          }
        };
    for (String name : SIGNALS) {
      try {
        Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, stop));
      } catch (IllegalArgumentException e) {
        LOG.debug("no handler for SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
