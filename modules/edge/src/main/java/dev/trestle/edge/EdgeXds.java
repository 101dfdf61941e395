package dev.trestle.edge;

import dev.trestle.xds.GatewayTls;
import dev.trestle.xds.LocalInventory;
import dev.trestle.xds.XdsTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's xDS serving: the xDS server and the snapshot it serves, rebuilt from the applied
 * state and the local inventory whenever either changed. Rebuilds run on the agent's loop thread,
 * like everything else that reads the applied state.
 */
final class EdgeXds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeXds.class);

  private final XdsServer server;
  private final InventorySource inventory;
  private final EdgeStatus status;
  private final String cluster;
  private final Optional<GatewayTls> gatewayTls;
  private final Supplier<AppliedState> applied;
  private final BooleanSupplier closing;
  private AppliedState servedState;
  private LocalInventory servedInventory;

  private EdgeXds(
      XdsServer server,
      InventorySource inventory,
      EdgeStatus status,
      String cluster,
      Optional<GatewayTls> gatewayTls,
      Supplier<AppliedState> applied,
      BooleanSupplier closing) {
    this.server = server;
    this.inventory = inventory;
    this.status = status;
    this.cluster = cluster;
    this.gatewayTls = gatewayTls;
    this.applied = applied;
    this.closing = closing;
  }

  /**
   * Starts the xDS server and serves the snapshot of the state loaded from disk and the inventory
   * at once (a restart with central down serves the last state), then keeps it up to date: after
   * every apply ({@link #refresh}), and whenever the inventory file changes (checked every {@code
   * xdsRefresh} on {@code loop}). Null when the port cannot be bound and xDS is best effort.
   */
  static EdgeXds start(
      EdgeSettings settings,
      InventorySource inventory,
      EdgeStatus status,
      Supplier<AppliedState> applied,
      ScheduledExecutorService loop,
      BooleanSupplier closing)
      throws IOException {
    XdsServer server;
    try {
      server = XdsServer.start(settings.xdsHost(), settings.xdsPort().get());
    } catch (IOException e) {
      String why =
          "cannot serve xDS on "
              + settings.xdsHost()
              + ":"
              + settings.xdsPort().get()
              + " ("
              + e.getMessage()
              + ")";
      if (!settings.xdsBestEffort()) {
        throw new IOException(why, e);
      }
      LOG.warn("{}; running WITHOUT xDS (give --xds-port 0 for any free port, or --no-xds)", why);
      status.error(why);
      return null;
    }
    var xds =
        new EdgeXds(
            server,
            inventory,
            status,
            settings.cluster(),
            settings.xdsGatewayTls(),
            applied,
            closing);
    Files.createDirectories(settings.stateDir());
    AtomicFiles.write(settings.stateDir().resolve("xds.port"), server.port() + "\n");
    status.xds(server);
    LOG.info("xDS server (ADS, v3) on {}:{}", settings.xdsHost(), server.port());
    try {
      loop.submit(xds::refresh).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("could not build the first xDS snapshot: " + e, e);
    }
    if (inventory instanceof FileInventory) {
      long millis = Math.max(50, settings.xdsRefresh().toMillis());
      loop.scheduleWithFixedDelay(xds::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }
    return xds;
  }

  XdsServer server() {
    return server;
  }

  /**
   * Rebuilds the xDS snapshot when the applied state or the local inventory changed (loop thread).
   */
  void refresh() {
    if (closing.getAsBoolean()) {
      return;
    }
    try {
      AppliedState state = applied.get();
      var local = inventory.withAddresses().local(cluster);
      if (state == servedState && local.equals(servedInventory)) {
        return;
      }
      var snapshot =
          XdsTranslator.translate(
              local, state.objects().values().stream().map(EdgeObject::json).toList(), gatewayTls);
      servedState = state;
      servedInventory = local;
      if (server.publish(snapshot)) {
        LOG.info(
            "xDS snapshot {} (desired version {}): {} listener(s), {} route(s), {} cluster(s), {}"
                + " endpoint assignment(s){}",
            snapshot.version(),
            state.version(),
            snapshot.listeners().size(),
            snapshot.routes().size(),
            snapshot.clusters().size(),
            snapshot.endpoints().size(),
            snapshot.diagnostics().isEmpty()
                ? ""
                : "; "
                    + snapshot.diagnostics().size()
                    + " diagnostic(s): "
                    + snapshot.diagnostics().get(0));
      }
    } catch (RuntimeException e) {
      LOG.error("could not rebuild the xDS snapshot; still serving the previous one", e);
      status.error("xDS snapshot failed: " + e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
