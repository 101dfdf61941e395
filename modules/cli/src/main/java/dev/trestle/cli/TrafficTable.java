package dev.trestle.cli;

import dev.trestle.protocol.v1.ServiceTraffic;
import dev.trestle.protocol.v1.TrafficPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Traffic figures as table rows: rates with two decimals, error ratio in %, latency in ms. */
final class TrafficTable {
  private static final List<String> FIGURES = List.of("RPS", "ERRORS", "P50", "P90", "P99");

  private TrafficTable() {}

  static Table services(List<ServiceTraffic> services) {
    var header = new ArrayList<>(List.of("SERVICE", "NAMESPACE", "CLUSTER"));
    header.addAll(FIGURES);
    var table = new Table(header);
    for (ServiceTraffic s : services) {
      var row = new ArrayList<>(List.of(s.getService(), s.getNamespace(), s.getCluster()));
      row.addAll(figures(s.getTotal()));
      table.row(row);
    }
    return table;
  }

  static Table points(ServiceTraffic s) {
    var header = new ArrayList<>(List.of("FROM"));
    header.addAll(FIGURES);
    var table = new Table(header);
    for (TrafficPoint p : s.getPointsList()) {
      var row =
          new ArrayList<>(List.of(Instant.ofEpochSecond(p.getStart().getSeconds()).toString()));
      row.addAll(figures(p));
      table.row(row);
    }
    return table;
  }

  static List<String> figures(TrafficPoint p) {
    return List.of(
        String.format(Locale.ROOT, "%.2f", p.getRequestsPerSecond()),
        String.format(Locale.ROOT, "%.2f%%", 100 * p.getErrorRatio()),
        String.format(Locale.ROOT, "%.1f", p.getP50Ms()),
        String.format(Locale.ROOT, "%.1f", p.getP90Ms()),
        String.format(Locale.ROOT, "%.1f", p.getP99Ms()));
  }
}
