package dev.trestle.telemetry;

import static dev.trestle.telemetry.TelemetryFixtures.call;
import static dev.trestle.telemetry.TelemetryFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The telemetry writer and housekeeping against a real database (H2 here, PostgreSQL in the
 * subclass): 30 s windows summed into minutes, resends not counted twice, hourly rollup, retention.
 */
@ExtendWith(StorageSelection.class)
class TelemetryWriterTest {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final long T0 = NOW.getEpochSecond() - 3 * 3600; // 09:00, long due for rollup
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private ReadModelDatabase db;
  private TelemetryWriter writer;

  @BeforeEach
  void setUp(TestStorage storage) throws Exception {
    db = storage.freshReadModels(2);
    try (var c = db.connection()) {
      TelemetrySchema.migrate(c);
      TelemetrySchema.migrate(c); // re-runnable
    }
    writer = new TelemetryWriter(db.dataSource(), clock, Duration.ofMinutes(5));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void sumsTheTwoWindowsOfAMinuteIntoOneRow() throws Exception {
    var first =
        window("east", "a1", T0, call("east", "web", "shop", "cart", "shop", "", "2xx", 10, 3));
    var second =
        window("east", "a1", T0 + 30, call("east", "web", "shop", "cart", "shop", "", "2xx", 7, 5));
    assertThat(writer.write(List.of(first))).containsExactly(IncomingWindow.Outcome.STORED);
    assertThat(writer.write(List.of(second))).containsExactly(IncomingWindow.Outcome.STORED);

    assertThat(count("SELECT COUNT(*) FROM " + TelemetrySchema.MINUTE)).isEqualTo(1);
    assertThat(count("SELECT requests FROM " + TelemetrySchema.MINUTE)).isEqualTo(17);
    assertThat(count("SELECT b03 FROM " + TelemetrySchema.MINUTE)).isEqualTo(10);
    assertThat(count("SELECT b05 FROM " + TelemetrySchema.MINUTE)).isEqualTo(7);
    assertThat(count("SELECT COUNT(*) FROM " + TelemetrySchema.SERIES)).isEqualTo(1);
  }

  @Test
  void aResentWindowIsADuplicateAndAddsNothing() throws Exception {
    var w = window("east", "a1", T0, call("east", "web", "shop", "cart", "shop", "", "2xx", 10, 3));
    writer.write(List.of(w));
    // After an outage the edge sends the window again, once alone and once twice in a batch.
    assertThat(writer.write(List.of(w))).containsExactly(IncomingWindow.Outcome.DUPLICATE);
    var fresh =
        window("east", "a1", T0 + 30, call("east", "web", "shop", "cart", "shop", "", "2xx", 1, 3));
    assertThat(writer.write(List.of(fresh, fresh)))
        .containsExactly(IncomingWindow.Outcome.STORED, IncomingWindow.Outcome.DUPLICATE);

    assertThat(count("SELECT requests FROM " + TelemetrySchema.MINUTE)).isEqualTo(11);
    // Another agent instance (a restarted edge) is another source of windows.
    var other =
        window("east", "a2", T0, call("east", "web", "shop", "cart", "shop", "", "2xx", 5, 3));
    assertThat(writer.write(List.of(other))).containsExactly(IncomingWindow.Outcome.STORED);
    assertThat(count("SELECT requests FROM " + TelemetrySchema.MINUTE)).isEqualTo(16);
  }

  @Test
  void rollsFinishedHoursUpAndAgainAfterALateWindow() throws Exception {
    for (int m = 0; m < 60; m++) {
      writer.write(
          List.of(
              window(
                  "east",
                  "a1",
                  T0 + 60L * m,
                  call("east", "web", "shop", "cart", "shop", "", "2xx", 2, 4),
                  call("east", "web", "shop", "cart", "shop", "", "5xx", 1, 9))));
    }
    var rollup = new TelemetryRollup(db.dataSource(), TelemetryFixtures.settings(), clock);
    assertThat(rollup.rollUp()).isGreaterThanOrEqualTo(1);
    assertThat(count("SELECT SUM(requests) FROM " + TelemetrySchema.HOUR + " WHERE hour_s = " + T0))
        .isEqualTo(180);
    assertThat(rollup.rollUp()).isZero(); // current hours are not rolled again

    // A late window (an edge back after an outage) for that hour marks it for a new rollup.
    writer.write(
        List.of(
            window(
                "east",
                "a1",
                T0 + 30,
                call("east", "web", "shop", "cart", "shop", "", "2xx", 5, 4))));
    assertThat(rollup.rollUp()).isEqualTo(1);
    assertThat(count("SELECT SUM(requests) FROM " + TelemetrySchema.HOUR + " WHERE hour_s = " + T0))
        .isEqualTo(185);
  }

  @Test
  void retentionDeletesMinutesAndHoursPastTheirAge() throws Exception {
    long old = NOW.getEpochSecond() - 49 * 3600;
    writer.write(
        List.of(window("east", "a1", old, call("east", "w", "n", "s", "n", "", "2xx", 1, 0))));
    writer.write(
        List.of(window("east", "a1", T0, call("east", "w", "n", "s", "n", "", "2xx", 1, 0))));
    try (var c = db.connection();
        var st = c.createStatement()) {
      st.execute(
          "INSERT INTO "
              + TelemetrySchema.HOUR
              + " (series_id, hour_s, "
              + String.join(", ", TelemetrySchema.COUNTERS)
              + ") SELECT series_id, "
              + (NOW.getEpochSecond() - 31L * 86400)
              + ", "
              + String.join(", ", TelemetrySchema.COUNTERS)
              + " FROM "
              + TelemetrySchema.MINUTE
              + " WHERE minute_s = "
              + T0);
    }
    new TelemetryRollup(db.dataSource(), TelemetryFixtures.settings(), clock).sweep();
    assertThat(count("SELECT COUNT(*) FROM " + TelemetrySchema.MINUTE)).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM " + TelemetrySchema.WINDOW)).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM " + TelemetrySchema.HOUR)).isZero();
  }

  private long count(String sql) throws SQLException {
    try (var c = db.connection();
        var st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
