package dev.trestle.loadtest.scenarios;

import dev.trestle.app.Central;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A central node in its own JVM for the benchmarks that need one (fan-out: the server's heap alone;
 * recovery: a real process restart). Argument: the config file. Prints one line {@code
 * TRESTLE-BENCH-READY api=P edge=P management=P pid=P} on stdout when ready, then runs until
 * SIGTERM (Pekko's coordinated shutdown).
 */
public final class ChildCentralMain {
  public static final String READY = "TRESTLE-BENCH-READY";

  private ChildCentralMain() {}

  public static void main(String[] args) throws Exception {
    var config =
        Settings.load(
            new ServerArgs(
                Optional.of(Path.of(args[0])),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    Central central = Central.start(config);
    System.out.println(
        READY
            + " api="
            + central.apiAddress().getPort()
            + " edge="
            + central.edgeAddress().getPort()
            + " management="
            + central.managementPort()
            + " pid="
            + ProcessHandle.current().pid());
    System.out.flush();
    var done = new CountDownLatch(1);
    central.system().getWhenTerminated().thenRun(done::countDown);
    done.await();
  }
}
