package dev.trestle.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * How far each projection slice is behind the journal: events not yet processed and the age of the
 * oldest of them. Polled from the offset store and, through {@link JournalBacklog}, the journal of
 * the storage profile.
 */
public final class ProjectionLagMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionLagMonitor.class);

  /** Lag of one slice; lagSeconds is 0 when nothing is pending. */
  public record Lag(
      String projection, String slice, long offset, long pendingEvents, double lagSeconds) {}

  private final DataSource dataSource;
  private final JournalBacklog journal;
  private final Clock clock;
  private final String projection;
  private final List<String> slices;
  private final Map<String, Lag> latest = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  public ProjectionLagMonitor(
      DataSource dataSource,
      JournalBacklog journal,
      Clock clock,
      String projection,
      List<String> slices,
      MeterRegistry registry) {
    this.dataSource = dataSource;
    this.journal = journal;
    this.clock = clock;
    this.projection = projection;
    this.slices = List.copyOf(slices);
    for (String slice : slices) {
      latest.put(slice, new Lag(projection, slice, 0, 0, 0));
      Gauge.builder("trestle.projection.lag.events", latest, m -> m.get(slice).pendingEvents())
          .description("Events the projection has not processed yet")
          .tags("projection", projection, "slice", slice)
          .register(registry);
      Gauge.builder("trestle.projection.lag.seconds", latest, m -> m.get(slice).lagSeconds())
          .description("Age of the oldest event the projection has not processed yet")
          .tags("projection", projection, "slice", slice)
          .register(registry);
    }
  }

  /**
   * Polls every {@code interval} on {@code executor} until coordinated shutdown's service-stop
   * phase, which runs before the connection pool closes: a poll racing the pool's close would log
   * "pool has been closed" warnings on every clean stop.
   */
  public void pollEvery(
      ActorSystem<?> system, Duration interval, ExecutionContextExecutor executor) {
    Cancellable polling =
        system
            .scheduler()
            .scheduleWithFixedDelay(Duration.ZERO, interval, this::pollUnlessStopped, executor);
    CoordinatedShutdown.get(system.classicSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-lag-monitor-" + projection,
            () -> {
              stopped = true;
              polling.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  private void pollUnlessStopped() {
    if (!stopped) {
      poll();
    }
  }

  public List<Lag> latest() {
    return slices.stream().map(latest::get).toList();
  }

  /** Refreshes every slice; failures are logged and keep the previous figures. */
  public void poll() {
    try (Connection c = dataSource.getConnection()) {
      for (String slice : slices) {
        latest.put(slice, measure(c, slice));
      }
    } catch (SQLException e) {
      LOG.warn("projection lag poll failed: {}", e.getMessage());
    }
  }

  private Lag measure(Connection c, String slice) throws SQLException {
    Optional<JournalBacklog.StoredOffset> stored = Optional.empty();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT \"current_offset\", \"manifest\" FROM \"pekko_projection_offset_store\""
                + " WHERE \"projection_name\" = ? AND \"projection_key\" = ?")) {
      ps.setString(1, projection);
      ps.setString(2, slice);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          stored = Optional.of(new JournalBacklog.StoredOffset(rs.getString(1), rs.getString(2)));
        }
      }
    }
    JournalBacklog.Backlog backlog = journal.after(c, slice, stored);
    long pending = backlog.pending();
    double age = pending == 0 ? 0 : Math.max(0, clock.millis() - backlog.oldestMillis()) / 1000.0;
    return new Lag(projection, slice, backlog.offset(), pending, age);
  }
}
