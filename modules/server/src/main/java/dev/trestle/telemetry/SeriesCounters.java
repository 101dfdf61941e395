package dev.trestle.telemetry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The counters of one series over one minute or hour (the columns of {@link
 * TelemetrySchema#COUNTERS}, in that order). Mutable: writers and queries add into it.
 */
final class SeriesCounters {
  long requests;
  double latencySumMs;
  long requestBytes;
  long responseBytes;
  long tcpOpened;
  long tcpSentBytes;
  long tcpReceivedBytes;
  final long[] buckets = new long[LatencyBuckets.COUNT];

  void add(SeriesCounters o) {
    requests += o.requests;
    latencySumMs += o.latencySumMs;
    requestBytes += o.requestBytes;
    responseBytes += o.responseBytes;
    tcpOpened += o.tcpOpened;
    tcpSentBytes += o.tcpSentBytes;
    tcpReceivedBytes += o.tcpReceivedBytes;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += o.buckets[i];
    }
  }

  /** Binds the counters to parameters {@code first..first+26}; returns the next free index. */
  int bind(PreparedStatement ps, int first) throws SQLException {
    int i = first;
    ps.setLong(i++, requests);
    ps.setDouble(i++, latencySumMs);
    ps.setLong(i++, requestBytes);
    ps.setLong(i++, responseBytes);
    ps.setLong(i++, tcpOpened);
    ps.setLong(i++, tcpSentBytes);
    ps.setLong(i++, tcpReceivedBytes);
    for (long b : buckets) {
      ps.setLong(i++, b);
    }
    return i;
  }

  /** Reads the counters from columns {@code first..first+26} of the current row. */
  static SeriesCounters read(ResultSet rs, int first) throws SQLException {
    var c = new SeriesCounters();
    int i = first;
    c.requests = rs.getLong(i++);
    c.latencySumMs = rs.getDouble(i++);
    c.requestBytes = rs.getLong(i++);
    c.responseBytes = rs.getLong(i++);
    c.tcpOpened = rs.getLong(i++);
    c.tcpSentBytes = rs.getLong(i++);
    c.tcpReceivedBytes = rs.getLong(i++);
    for (int b = 0; b < c.buckets.length; b++) {
      c.buckets[b] = rs.getLong(i++);
    }
    return c;
  }
}
