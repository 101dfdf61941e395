package dev.trestle.app;

import com.typesafe.config.Config;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code trestle server}: starts central and runs until SIGTERM/Ctrl-C. */
public final class TrestleServer {
  private static final Logger LOG = LoggerFactory.getLogger(TrestleServer.class);

  private TrestleServer() {}

  /** Starts central and blocks until it has shut down; returns the process exit code. */
  public static int run(ServerArgs args) {
    Central central;
    try {
      Config config = Settings.load(args);
      central = Central.start(config);
    } catch (dev.trestle.storage.StorageUnavailableException e) {
      LOG.error("cannot start: {}", e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      LOG.error("cannot start: {}", e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      LOG.error("cannot start: {}", root.toString());
      return 1;
    }
    Settings s = central.settings();
    LOG.info(
        "Trestle central ready: api={}:{} edge={}:{} management={}:{} storage={} data={}",
        central.apiAddress().getHostString(),
        central.apiAddress().getPort(),
        central.edgeAddress().getHostString(),
        central.edgeAddress().getPort(),
        s.managementHost(),
        central.managementPort(),
        s.storageProfile(),
        s.dataDir());
    var terminated = new CountDownLatch(1);
    central.system().getWhenTerminated().thenRun(terminated::countDown);
    SignalStop.install(central.system());
    try {
      terminated.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Trestle central stopped");
    return 0;
  }
}
